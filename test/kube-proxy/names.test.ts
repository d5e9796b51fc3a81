/**
 * kube-proxy's chain names against the literal names kube-proxy's own tests expect at
 * kubernetes/kubernetes v1.34.0 (pkg/proxy/iptables/proxier_test.go, pkg/proxy/nftables/proxier_test.go),
 * and the names seen on every kind cluster for the kubernetes and kube-dns Services.
 */
import { describe, expect, it } from "vitest";
import { iptablesChains, iptablesEndpointChain, kubeProxyHash, nftablesChains, nftablesEndpointChain, servicePortName } from "../../kube-proxy/names";

const svc1 = { namespace: "ns1", name: "svc1", port: "p80", protocol: "TCP" };

describe("kube-proxy chain names (v1.34.0)", () => {
  it("iptables: KUBE-SVC-/KUBE-EXT-/KUBE-SEP- as in proxier_test.go", () => {
    expect(iptablesChains(svc1).cluster).toBe("KUBE-SVC-XPGD46QRK7WJZT7O");
    expect(iptablesEndpointChain(svc1, "10.180.0.1:80")).toBe("KUBE-SEP-SXIVWICOYRO3J4NJ");
    expect(iptablesChains({ namespace: "ns4", name: "svc4", port: "p80", protocol: "TCP" }).cluster).toBe("KUBE-SVC-4SW47YFZTEDKD3PK");
    expect(iptablesEndpointChain({ namespace: "ns4", name: "svc4", port: "p80", protocol: "TCP" }, "10.180.0.4:80")).toBe("KUBE-SEP-UKSFD7AGPMPPLUHC");
  });

  it("iptables: the kubernetes and kube-dns Services of every cluster", () => {
    expect(iptablesChains({ namespace: "default", name: "kubernetes", port: "https", protocol: "TCP" }).cluster).toBe("KUBE-SVC-NPX46M4PTMTKRN6Y");
    expect(iptablesChains({ namespace: "kube-system", name: "kube-dns", port: "dns", protocol: "UDP" }).cluster).toBe("KUBE-SVC-TCOU7JCQXEZGVUNU");
  });

  it("nftables: service-<hash8>-ns/name/proto/port and endpoint-…__ip/port as in proxier_test.go", () => {
    expect(nftablesChains(svc1)).toEqual({
      cluster: "service-ULMVA6XW-ns1/svc1/tcp/p80",
      local: "local-ULMVA6XW-ns1/svc1/tcp/p80",
      external: "external-ULMVA6XW-ns1/svc1/tcp/p80",
    });
    expect(nftablesEndpointChain(svc1, "10.180.0.1", 80)).toBe("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
    expect(nftablesChains({ namespace: "ns3", name: "svc3", port: "p80", protocol: "TCP" }).cluster).toBe("service-4AT6LBPK-ns3/svc3/tcp/p80");
    expect(nftablesEndpointChain({ namespace: "ns3", name: "svc3", port: "p80", protocol: "TCP" }, "10.180.0.3", 80)).toBe("endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80");
  });

  it("port names: ns/name:port, or ns/name for an unnamed port", () => {
    expect(servicePortName(svc1)).toBe("ns1/svc1:p80");
    expect(servicePortName({ ...svc1, port: "" })).toBe("ns1/svc1");
  });

  it("the hash is RFC 4648 base32 of sha256, as Python's base64.b32encode(sha256(b'')) prints it", () => {
    expect(kubeProxyHash("", 8)).toBe("4OYMIQUY");
  });
});
