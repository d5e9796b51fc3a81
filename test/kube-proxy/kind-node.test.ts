/**
 * A real kube-proxy's rules: iptables-save of node cnilab-local-kindnet-worker and the Services and
 * EndpointSlices of the API server, recorded on 2026-11-30 from this sandbox's own kind cluster
 * (local/: Kubernetes v1.34.0 built from Go modules, kube-proxy in iptables mode, iptables 1.8.9
 * nf_tables on the node) while `npm run e2e:local kindnet` ran. Nothing here was written by hand.
 */
import { describe, expect, it } from "vitest";
import { explainService } from "../../kube-proxy/explain";
import { describeBackends } from "../../kube-proxy/explanation";
import { serviceView, type ApiEndpointSlice, type ApiService } from "../../kube-proxy/service";
import { fixture } from "./fixtures";

const SAVE = fixture("kind-node/iptables-save.txt");
const API = JSON.parse(fixture("kind-node/api.json")) as {
  services: (ApiService & { metadata: { namespace: string; name: string } })[];
  endpointSlices: (ApiEndpointSlice & { metadata: { namespace: string; labels: Record<string, string> } })[];
};

function explain(namespace: string, name: string) {
  const service = API.services.find((s) => s.metadata.namespace === namespace && s.metadata.name === name)!;
  const slices = API.endpointSlices.filter((s) => s.metadata.namespace === namespace && s.metadata.labels["kubernetes.io/service-name"] === name);
  return explainService(serviceView(service, slices), "iptables", "cnilab-local-kindnet-worker", "iptables-save", SAVE);
}

describe("explain service on a real kube-proxy v1.34.0 (iptables mode)", () => {
  it("kube-system/kube-dns: three ports, each 2 CoreDNS pods with p=0.5, no disagreement", () => {
    const x = explain("kube-system", "kube-dns");
    expect(x.missing).toBeUndefined();
    expect(x.ports.map((p) => [p.portName, p.dispatch, describeBackends(p), p.problems])).toEqual([
      ["kube-system/kube-dns:dns", "KUBE-SVC-TCOU7JCQXEZGVUNU", "2 endpoints, each chosen with p=0.5 (1/2)", []],
      ["kube-system/kube-dns:dns-tcp", "KUBE-SVC-ERIFXISQEP7F7OF4", "2 endpoints, each chosen with p=0.5 (1/2)", []],
      ["kube-system/kube-dns:metrics", "KUBE-SVC-JD5MR3NA4I4DYORP", "2 endpoints, each chosen with p=0.5 (1/2)", []],
    ]);
    expect(x.ports[0]!.backends.map((b) => [b.pick, b.via, b.target, b.endpoint?.pod])).toEqual([
      ["p=0.50000000000", "KUBE-SEP-YIL6JZP7A3QYXJU2", "10.244.0.2:53", "kube-system/coredns-66bc5c9577-9vcv2"],
      ["the rest", "KUBE-SEP-6E7XQMQ4RAYOWTTM", "10.244.0.3:53", "kube-system/coredns-66bc5c9577-hhp8l"],
    ]);
  });

  it("default/kubernetes: the API server's address, always", () => {
    const [https] = explain("default", "kubernetes").ports;
    expect(https!.backends.map((b) => [b.pick, b.target, b.share])).toEqual([["always", "172.16.200.2:6443", 1]]);
    expect(https!.problems).toEqual([]);
  });

  it("cnilab-health/echo-nodeport: the ClusterIP, every node address and localhost (kube-proxy's own 127.0.0.0/8 rule)", () => {
    const [p] = explain("cnilab-health", "echo-nodeport").ports;
    expect(p!.frontends.map((f) => [f.kind, f.address])).toEqual([
      ["cluster IP", "10.96.157.8:80"],
      ["node port", "127.0.0.0/8:30999"],
      ["node port", "*:30999"],
    ]);
    expect(p!.backends.map((b) => [b.via, b.target, b.endpoint?.node])).toEqual([["KUBE-SEP-XEC4GHGUJFKYGLMA", "10.244.2.2:8080", "cnilab-local-kindnet-worker2"]]);
  });

  it("cnilab-health/echo-other-node: a TCP and a UDP port, each its own KUBE-SVC chain", () => {
    const x = explain("cnilab-health", "echo-other-node");
    expect(x.ports.map((p) => [p.portName, p.port.protocol, p.dispatch, p.backends.map((b) => b.target)])).toEqual([
      ["cnilab-health/echo-other-node:http", "TCP", "KUBE-SVC-ZMB6UF2H35BCII3Y", ["10.244.2.2:8080"]],
      ["cnilab-health/echo-other-node:udp", "UDP", "KUBE-SVC-B5I72AHEVTK3FOWX", ["10.244.2.2:8081"]],
    ]);
  });
});
