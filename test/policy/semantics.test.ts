/**
 * API details beyond the upstream e2e list: policyTypes defaulting, empty vs absent fields,
 * label-selector operators with apimachinery semantics, endPort, named-port resolution, ipBlock
 * against known and unknown pod IPs, implied namespaces, and the seed's six policies.
 */
import { describe, expect, it } from "vitest";
import { evaluatePolicies, type NetworkPolicy, type PodInput, type PolicyUniverse, type PortQuery } from "../../policy";
import { ALL_PODS, netpol, observed, pod, Reachability, universe } from "./universe";

const TCP80: PortQuery = { port: 80, protocol: "TCP" };
const TCP81: PortQuery = { port: 81, protocol: "TCP" };
const podA = { matchLabels: { pod: "a" } };

function check(policies: NetworkPolicy[], query: PortQuery, reach: Reachability, u: PolicyUniverse = universe(policies)): void {
  expect(observed(evaluatePolicies({ ...u, policies }, [query]))).toBe(reach.table());
}

describe("policyTypes", () => {
  it("without policyTypes, egress rules make the policy an egress policy too (and Ingress is always implied)", () => {
    const policy = netpol("x", "p", { podSelector: podA, egress: [{ ports: [{ port: 80 }] }] });
    check([policy], TCP81, new Reachability().expectAllIngress("x/a", false).expectAllEgress("x/a", false));
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false));
  });

  it("`egress: []` without policyTypes does not isolate for egress", () => {
    check([netpol("x", "p", { podSelector: podA, egress: [] })], TCP80, new Reachability().expectAllIngress("x/a", false));
  });

  it("`policyTypes: []` is defaulted like an absent list", () => {
    check([netpol("x", "p", { podSelector: podA, policyTypes: [] })], TCP80, new Reachability().expectAllIngress("x/a", false));
  });

  it("with policyTypes [Egress], ingress rules are ignored and the pod stays open for ingress", () => {
    const policy = netpol("x", "p", { podSelector: podA, policyTypes: ["Egress"], ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }], egress: [] });
    check([policy], TCP80, new Reachability().expectAllEgress("x/a", false));
  });
});

describe("empty versus absent", () => {
  it("`from: []` and an absent `from` both match every source", () => {
    const empty = netpol("x", "p", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [], ports: [{ port: 80 }] }] });
    const absent = netpol("x", "p", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 80 }] }] });
    for (const policy of [empty, absent]) {
      check([policy], TCP80, new Reachability());
      check([policy], TCP81, new Reachability().expectAllIngress("x/a", false));
    }
  });

  it("`ports: []` matches every port", () => {
    const policy = netpol("x", "p", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }], ports: [] }] });
    check([policy], TCP81, new Reachability().expectAllIngress("x/a", false).expect("x/b", "x/a", true));
  });

  it("`ingress: []` with Ingress in policyTypes allows nothing; `ingress: [{}]` allows everything", () => {
    check([netpol("x", "p", { podSelector: podA, policyTypes: ["Ingress"], ingress: [] })], TCP80, new Reachability().expectAllIngress("x/a", false));
    check([netpol("x", "p", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{}] })], TCP80, new Reachability());
  });

  it("`podSelector: {matchLabels: null}` selects every pod of the namespace (seed policy deny-namespace)", () => {
    const policy = netpol("x", "deny-namespace", { podSelector: { matchLabels: null } as never, ingress: [{ from: [{ podSelector: {} }] }] });
    check([policy], TCP80, new Reachability().expectPeer({ ns: "y" }, { ns: "x" }, false).expectPeer({ ns: "z" }, { ns: "x" }, false));
  });
});

describe("label selectors (apimachinery semantics)", () => {
  const envUniverse = (): PolicyUniverse => ({
    namespaces: [
      { name: "x", labels: { env: "prod" } },
      { name: "y", labels: { env: "dev" } },
      { name: "z", labels: {} },
    ],
    pods: ALL_PODS.map((k) => pod(k)),
    policies: [],
  });

  it("NotIn matches a namespace that lacks the key (unlike cyclonus)", () => {
    const policy = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] } }] }] });
    check([policy], TCP80, new Reachability().expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false), envUniverse());
  });

  it("In does not match a namespace that lacks the key", () => {
    const policy = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "In", values: ["dev", "prod"] }] } }] }] });
    check([policy], TCP80, new Reachability().expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false), envUniverse());
  });

  it("Exists and DoesNotExist test the key only", () => {
    const exists = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "Exists" }] } }] }] });
    check([exists], TCP80, new Reachability().expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false), envUniverse());
    const absent = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "DoesNotExist" }] } }] }] });
    check([absent], TCP80, new Reachability().expectAllIngress("x/a", false).expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, true), envUniverse());
  });

  it("matchLabels and matchExpressions in one selector must all hold", () => {
    const policy = netpol("x", "p", {
      podSelector: { matchLabels: { pod: "a" }, matchExpressions: [{ key: "pod", operator: "NotIn", values: ["a"] }] },
      policyTypes: ["Ingress"],
    });
    check([policy], TCP80, new Reachability());
  });

  it("a podSelector only selects pods in the policy's own namespace", () => {
    check([netpol("y", "p", { podSelector: podA, policyTypes: ["Ingress"] })], TCP80, new Reachability().expectAllIngress("y/a", false));
  });

  it("namespaceSelector {} with a podSelector picks those pods in every namespace", () => {
    const policy = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: "b" } } }] }] });
    const reach = new Reachability().expectAllIngress("x/a", false);
    for (const from of ["x/b", "y/b", "z/b"]) reach.expect(from, "x/a", true);
    check([policy], TCP80, reach);
  });
});

describe("ports", () => {
  it("endPort makes an inclusive range", () => {
    const range = (port: number, endPort: number) => netpol("x", "p", { podSelector: podA, ingress: [{ ports: [{ port, endPort }] }] });
    check([range(80, 81)], TCP80, new Reachability());
    check([range(80, 81)], TCP81, new Reachability());
    check([range(81, 90)], TCP80, new Reachability().expectAllIngress("x/a", false));
    check([range(81, 90)], TCP81, new Reachability());
  });

  it("an endPort range of another protocol matches nothing", () => {
    const policy = netpol("x", "p", { podSelector: podA, ingress: [{ ports: [{ port: 1, endPort: 65535, protocol: "UDP" }] }] });
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false));
    check([policy], { port: 80, protocol: "UDP" }, new Reachability());
  });

  it("a named port the destination does not declare matches nothing", () => {
    check([netpol("x", "p", { podSelector: podA, ingress: [{ ports: [{ port: "serve-82-tcp" }] }] })], TCP80, new Reachability().expectAllIngress("x/a", false));
  });

  it("a named port must match the container port's protocol", () => {
    const udpNameTcpRule = netpol("x", "p", { podSelector: podA, ingress: [{ ports: [{ port: "serve-80-udp" }] }] });
    check([udpNameTcpRule], TCP80, new Reachability().expectAllIngress("x/a", false));
    check([udpNameTcpRule], { port: 80, protocol: "UDP" }, new Reachability().expectAllIngress("x/a", false));
    const udpNameUdpRule = netpol("x", "p", { podSelector: podA, ingress: [{ ports: [{ port: "serve-80-udp", protocol: "UDP" }] }] });
    check([udpNameUdpRule], { port: 80, protocol: "UDP" }, new Reachability());
  });

  describe("named ports resolve on the destination, which can differ per destination", () => {
    const withHttp = (key: string, port?: number): PodInput => ({ ...pod(key), ports: port === undefined ? [] : [{ name: "http", containerPort: port }] });
    const u: PolicyUniverse = {
      namespaces: [],
      pods: [withHttp("x/a"), withHttp("y/a", 80), withHttp("y/b", 8080), withHttp("y/c")],
      policies: [netpol("x", "egress-http", { podSelector: podA, policyTypes: ["Egress"], egress: [{ ports: [{ port: "http" }] }] })],
    };
    const pods = ["x/a", "y/a", "y/b", "y/c"];
    const fromXa = (marks: string) => `x/a: ${marks}`;

    it("numeric queries: egress to the name allows only the destination whose http port is that number", () => {
      const m = evaluatePolicies(u, [TCP80, { port: 8080, protocol: "TCP" }]);
      expect(m.pods).toEqual(pods);
      expect(observed(m, 0).split("\n")[0]).toBe(fromXa("X.XX"));
      expect(observed(m, 1).split("\n")[0]).toBe(fromXa("XX.X"));
    });

    it("a named query resolves per destination, and a destination without the name has no such port", () => {
      const m = evaluatePolicies(u, [{ port: "http", protocol: "TCP" }]);
      expect(observed(m).split("\n")[0]).toBe(fromXa("-..-"));
      expect([0, 1, 2, 3].map((d) => m.port(d, 0))).toEqual([undefined, 80, 8080, undefined]);
      expect(m.verdict(0, 3, 0)).toBe("no-such-port");
    });
  });
});

describe("ipBlock", () => {
  const egressTo = (cidr: string, except?: string[]) =>
    netpol("x", "p", { podSelector: podA, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr, ...(except ? { except } : {}) } }] }] });

  it("never matches a pod whose IP is unknown", () => {
    check([egressTo("0.0.0.0/0")], TCP80, new Reachability().expectAllEgress("x/a", false), universe([], { ips: false }));
    check([egressTo("0.0.0.0/0")], TCP80, new Reachability());
  });

  it("on ingress, matches the source pod's IP", () => {
    const policy = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ ipBlock: { cidr: "10.0.2.0/24" } }] }] });
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false).expectPeer({ ns: "y" }, { ns: "x", pod: "a" }, true));
  });

  it("handles IPv6 pods, and an IPv4 block never matches an IPv6 pod", () => {
    const v6 = (key: string, ip: string): PodInput => ({ ...pod(key), ip });
    const u: PolicyUniverse = { namespaces: [], pods: [v6("x/a", "fd00::1"), v6("x/b", "fd00::2"), v6("x/c", "fd00:0:0:1::3")], policies: [] };
    const reach = new Reachability(["x/a", "x/b", "x/c"]).expectAllEgress("x/a", false).expect("x/a", "x/a", true);
    check([egressTo("fd00::/64", ["fd00::2/128"])], TCP80, reach, u);
    check([egressTo("0.0.0.0/0")], TCP80, new Reachability(["x/a", "x/b", "x/c"]).expectAllEgress("x/a", false), u);
  });
});

describe("policy sets", () => {
  it("a policy selecting no pod changes nothing", () => {
    check([netpol("x", "p", { podSelector: { matchLabels: { pod: "nobody" } }, policyTypes: ["Ingress", "Egress"] })], TCP80, new Reachability());
  });

  it("a policy in a namespace without pods changes nothing", () => {
    check([netpol("empty", "deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })], TCP80, new Reachability());
  });

  it("two policies selecting the same pod allow the union of their rules", () => {
    const fromB = netpol("x", "from-b", { podSelector: podA, ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }] });
    const fromYc = netpol("x", "from-y-c", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } }, podSelector: { matchLabels: { pod: "c" } } }] }] });
    check([fromB, fromYc], TCP80, new Reachability().expectAllIngress("x/a", false).expect("x/b", "x/a", true).expect("y/c", "x/a", true));
  });

  it("a pod's traffic to itself is evaluated like any other and flagged as loopback", () => {
    const m = evaluatePolicies(universe([netpol("x", "deny-all", { podSelector: {}, policyTypes: ["Ingress"] })]), [TCP80]);
    const xa = m.podIndex("x/a");
    expect(m.verdict(xa, xa, 0)).toBe("denied");
    expect(m.explain(xa, xa, 0).loopback).toBe(true);
    expect(m.explain(xa, m.podIndex("x/b"), 0).loopback).toBe(false);
  });
});

describe("namespaces", () => {
  it("a namespace with pods but no object gets only the metadata.name label, and is reported", () => {
    const u: PolicyUniverse = { namespaces: [], pods: [pod("x/a"), pod("w/b")], policies: [] };
    const byName = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "w" } } }] }] });
    const byOtherLabel = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "w" } } }] }] });
    const m = evaluatePolicies({ ...u, policies: [byName] }, [TCP80]);
    expect(m.impliedNamespaces).toEqual(["x", "w"]);
    expect(m.verdict(m.podIndex("w/b"), m.podIndex("x/a"), 0)).toBe("allowed");
    const m2 = evaluatePolicies({ ...u, policies: [byOtherLabel] }, [TCP80]);
    expect(m2.verdict(m2.podIndex("w/b"), m2.podIndex("x/a"), 0)).toBe("denied");
  });

  it("a given namespace always carries metadata.name equal to its name, as the API server enforces", () => {
    const u: PolicyUniverse = { namespaces: [{ name: "y", labels: { "kubernetes.io/metadata.name": "wrong" } }], pods: [pod("x/a"), pod("y/b")], policies: [] };
    const policy = netpol("x", "p", { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "y" } } }] }] });
    const m = evaluatePolicies({ ...u, policies: [policy] }, [TCP80]);
    expect(m.impliedNamespaces).toEqual(["x"]);
    expect(m.verdict(m.podIndex("y/b"), m.podIndex("x/a"), 0)).toBe("allowed");
  });
});

describe("the seed's policies (seed 000)", () => {
  const app = (key: string, label: string): PodInput => ({ ...pod(key), labels: { app: label } });
  const u: PolicyUniverse = {
    namespaces: [{ name: "default" }, { name: "prod", labels: { role: "prod" } }],
    pods: [app("default/nginx", "nginx"), app("default/demo", "demo"), app("default/web", "web"), app("prod/client", "client")],
    policies: [],
  };
  const pods = u.pods.map((p) => `${p.namespace}/${p.name}`);
  const nginx = { matchLabels: { app: "nginx" } };

  it("deny-nginx isolates nginx; access-nginx then lets demo in", () => {
    const deny = netpol("default", "deny-nginx", { podSelector: nginx });
    check([deny], TCP80, new Reachability(pods).expectAllIngress("default/nginx", false), u);
    const access = netpol("default", "access-nginx", { podSelector: nginx, ingress: [{ from: [{ podSelector: { matchLabels: { app: "demo" } } }] }] });
    check([deny, access], TCP80, new Reachability(pods).expectAllIngress("default/nginx", false).expect("default/demo", "default/nginx", true), u);
  });

  it("web-allow-external opens port 80 of web to everyone and nothing else", () => {
    const policy = netpol("default", "web-allow-external", { podSelector: { matchLabels: { app: "web" } }, ingress: [{ ports: [{ port: 80 }], from: [] }] });
    check([policy], TCP80, new Reachability(pods), u);
    check([policy], TCP81, new Reachability(pods).expectAllIngress("default/web", false), u);
  });
});
