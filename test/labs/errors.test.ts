import * as path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseLab, parseStack, SpecError } from "../../labs";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);
const good = { lab: "netpol", backend: "flannel-vxlan" };

/** The message of the SpecError a call throws (fails the test if it throws anything else or nothing). */
async function problems(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).message;
  }
  throw new Error("expected a SpecError, nothing was thrown");
}

describe("stack config errors", () => {
  it("accepts a minimal stack and fills defaults; the cluster is named after the stack, not the backend", () => {
    const s = parseStack(good, "stacks/Pulumi.x.yaml");
    expect(s).toMatchObject({ name: "x", workers: 2, kubeProxyMode: "iptables", podSubnet: "10.244.0.0/16", clusterName: "cnilab-x" });
    // Two stacks of one backend (an ipvs copy of flannel-vxlan) get two clusters.
    expect(parseStack(good, "stacks/Pulumi.flannel-ipvs.yaml").clusterName).toBe("cnilab-flannel-ipvs");
    expect(parseStack(good, "stacks/Pulumi.My_Lab.v2.yaml").clusterName).toBe("cnilab-my-lab-v2");
  });

  it("a stack name too long for a default cluster name asks for cnilab:clusterName", async () => {
    const long = "a".repeat(40);
    expect(await problems(() => parseStack(good, `stacks/Pulumi.${long}.yaml`))).toBe(
      `stacks/Pulumi.${long}.yaml: cnilab:clusterName: the default 'cnilab-${long}' (cnilab-<stack>) is not a DNS-1123 label of at most 40 characters; set cnilab:clusterName`,
    );
    expect(parseStack({ ...good, clusterName: "short" }, `stacks/Pulumi.${long}.yaml`).clusterName).toBe("short");
  });

  it("unknown backend: names the key, the bad value, a suggestion and every allowed value", async () => {
    const msg = await problems(() => parseStack({ ...good, backend: "flanel-vxlan" }, "stacks/Pulumi.x.yaml"));
    expect(msg).toBe(
      "stacks/Pulumi.x.yaml: cnilab:backend: 'flanel-vxlan' is not allowed (did you mean 'flannel-vxlan'?); allowed: " +
        "kindnet, flannel-vxlan, flannel-vxlan-directrouting, flannel-host-gw, flannel-udp, calico-ipip, calico-vxlan, calico-bgp, canal, macvlan, ipvlan-l2, ipvlan-l3",
    );
  });

  it("pod and service subnets overlapping", async () => {
    const msg = await problems(() => parseStack({ ...good, podSubnet: "10.96.0.0/12", serviceSubnet: "10.96.0.0/16" }, "s.yaml"));
    expect(msg).toBe("s.yaml: cnilab:serviceSubnet: 10.96.0.0/16 overlaps cnilab:podSubnet 10.96.0.0/12; the pod, service and node subnets must be disjoint");
  });

  it("a CIDR with host bits set suggests the network", async () => {
    expect(await problems(() => parseStack({ ...good, podSubnet: "10.244.1.0/16" }, "s.yaml"))).toBe(
      "s.yaml: cnilab:podSubnet: '10.244.1.0/16' has host bits set (did you mean 10.244.0.0/16?)",
    );
  });

  it("workers below 0", async () => {
    expect(await problems(() => parseStack({ ...good, workers: "-1" }, "s.yaml"))).toBe(
      "s.yaml: cnilab:workers: must be at least 0 (got -1)",
    );
  });

  it("a typo'd stack key is an error with a suggestion", async () => {
    const msg = await problems(() => parseStack({ ...good, kubeProxyMod: "ipvs" }, "s.yaml"));
    expect(msg).toMatch(/^s\.yaml: cnilab:kubeProxyMod: unknown key 'kubeProxyMod' \(did you mean 'kubeProxyMode'\?\); allowed keys: lab, backend, workers, /);
  });

  it("nftables kube-proxy with a node image older than Kubernetes 1.31", async () => {
    const msg = await problems(() =>
      parseStack({ ...good, kubeProxyMode: "nftables", nodeImage: "kindest/node:v1.30.4@sha256:abc" }, "s.yaml"),
    );
    expect(msg).toBe("s.yaml: cnilab:kubeProxyMode: nftables needs Kubernetes ≥ 1.31, but cnilab:nodeImage is v1.30; use iptables or ipvs, or a newer node image");
  });

  it("ipvs and nftables are accepted for every backend with the pinned image", () => {
    for (const mode of ["ipvs", "nftables"]) expect(parseStack({ ...good, kubeProxyMode: mode }, "s.yaml").kubeProxyMode).toBe(mode);
  });

  it("reports every problem at once", async () => {
    const msg = await problems(() => parseStack({ lab: "netpol", backend: "cilium", workers: 99 }, "s.yaml"));
    expect(msg.split("\n")).toHaveLength(2);
  });
});

describe("lab file errors", () => {
  const load = (name: string) => parseLab(readFileSync(fixture(name), "utf8"), `labs/${name}`);

  it("a typo'd key in a lab file", async () => {
    expect(await problems(() => load("invalid-typo-key.yaml"))).toBe(
      "labs/invalid-typo-key.yaml: namspaces: unknown key 'namspaces' (did you mean 'namespaces'?); allowed keys: name, title, description, namespaces, workloads, clients, scenarios, checks",
    );
  });

  it("a policy field of the wrong type, with its full path, and a missing field", async () => {
    const lines = (await problems(() => load("invalid-policy-field.yaml"))).split("\n");
    expect(lines).toEqual([
      "labs/invalid-policy-field.yaml: scenarios[0].traffic: expected a list or 'all-pairs', got nothing (the field is required)",
    ]);
  });

  it("references to undeclared namespaces, clients, workloads, ports and images", async () => {
    const lines = (await problems(() => load("invalid-references.yaml"))).split("\n");
    expect(lines).toEqual([
      "labs/invalid-references.yaml: workloads[0].namespace: namespace 'staging' is not declared; declared: default",
      "labs/invalid-references.yaml: workloads[0].image: 'agnhostt' is neither a pinned image key (agnhost, nginx, guestbook-frontend) nor a full image reference",
      "labs/invalid-references.yaml: scenarios[0].traffic[0].from: no client named 'demo2'; clients: demo",
      "labs/invalid-references.yaml: scenarios[0].traffic[1].to: no workload named 'db'; workloads: web",
      "labs/invalid-references.yaml: scenarios[0].traffic[2].port: workload 'web' has no container port named 'https'",
    ]);
  });

  it("a policy that breaks the Kubernetes schema names the field and the allowed values", async () => {
    const text = readFileSync(fixture("invalid-policy-field.yaml"), "utf8").replace("    about: fine\n", "    about: fine\n    traffic: [{ from: demo, to: web, port: 80 }]\n");
    const lines = (await problems(() => parseLab(text, "labs/p.yaml"))).split("\n");
    expect(lines).toEqual([
      "labs/p.yaml: scenarios[1].policies[0].spec.podSelector: expected a map (key: value), got string 'app=web'",
      "labs/p.yaml: scenarios[1].policies[0].spec.policyTypes[0]: 'Ingres' is not allowed (did you mean 'Ingress'?); allowed: Egress, Ingress",
    ]);
  });

  it("an ipBlock except outside its cidr fails at load, through the engine's parser: file, path, value and what is allowed", async () => {
    // The OpenAPI schema takes any string here; the API server refuses it (ValidateIPBlock: except
    // entries must be strict subsets of cidr), and so must loading, not planLab later.
    expect(await problems(() => load("invalid-ipblock-except.yaml"))).toBe(
      'labs/invalid-ipblock-except.yaml: scenarios[0].policies[0].spec.ingress[0].from[0].ipBlock.except[1]: NetworkPolicy default/allow-lan: "10.1.0.0/24" must be a strict subset of cidr 192.168.0.0/16',
    );
  });

  it("a workload gives either one container's fields or a containers list", async () => {
    const base = "name: w\ntitle: t\nworkloads:\n  - name: web\n    labels: { app: web }\n";
    expect(await problems(() => parseLab(`${base}    image: agnhost\n    ports: [{ containerPort: 80 }]\n    containers: [{ name: a, image: agnhost, ports: [{ containerPort: 81 }] }]\n`, "labs/w.yaml"))).toBe(
      "labs/w.yaml: workloads[0].containers: give either containers, or image/args/env/ports for a single container, not both",
    );
    expect(await problems(() => parseLab(`${base}    ports: [{ containerPort: 80 }]\n`, "labs/w.yaml"))).toBe(
      "labs/w.yaml: workloads[0].image: a workload needs image and ports (or a containers list)",
    );
  });
});
