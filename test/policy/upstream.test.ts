/**
 * The upstream e2e NetworkPolicy cases (kubernetes/kubernetes test/e2e/network/netpol/
 * network_policy.go @008b365), each with the expectations upstream states, on all nine pods of the
 * x/y/z × a/b/c universe. Upstream creates only the pods a case needs; with all nine the extra
 * pods must follow the same rules, which makes each case stricter.
 */
import { describe, expect, it } from "vitest";
import { evaluatePolicies, type NetworkPolicy, type PortQuery } from "../../policy";
import { netpol, observed, podIp, Reachability, universe } from "./universe";

const TCP80: PortQuery = { port: 80, protocol: "TCP" };
const TCP81: PortQuery = { port: 81, protocol: "TCP" };
const NAME = "kubernetes.io/metadata.name";
const podA = { matchLabels: { pod: "a" } };

function check(policies: NetworkPolicy[], query: PortQuery, reach: Reachability): void {
  const matrix = evaluatePolicies(universe(policies), [query]);
  expect(observed(matrix)).toBe(reach.table());
}

describe("upstream e2e: default deny", () => {
  it("default-deny-ingress isolates every pod of x for ingress", () => {
    check([netpol("x", "deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] })], TCP80, new Reachability().expectPeer({}, { ns: "x" }, false));
  });

  it("default-deny-all blocks traffic into and out of x", () => {
    const reach = new Reachability().expectPeer({}, { ns: "x" }, false).expectPeer({ ns: "x" }, {}, false);
    check([netpol("x", "deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })], TCP80, reach);
  });

  it("deny egress from pods based on PodSelector", () => {
    check([netpol("x", "deny-egress-pod-a", { podSelector: podA, policyTypes: ["Egress"] })], TCP80, new Reachability().expectAllEgress("x/a", false));
  });

  it("deny egress from all pods in a namespace", () => {
    check([netpol("x", "deny-egress-ns-x", { podSelector: {}, policyTypes: ["Egress"] })], TCP80, new Reachability().expectPeer({ ns: "x" }, {}, false));
  });

  it("UDP and SCTP default-deny-ingress behave as TCP", () => {
    const policy = netpol("x", "deny-all", { podSelector: {}, policyTypes: ["Ingress"] });
    check([policy], { port: 80, protocol: "UDP" }, new Reachability().expectPeer({}, { ns: "x" }, false));
    check([policy], { port: 80, protocol: "SCTP" }, new Reachability().expectPeer({}, { ns: "x" }, false));
  });
});

describe("upstream e2e: pod and namespace selectors", () => {
  it("allows traffic from pods within the server namespace based on PodSelector", () => {
    const policy = netpol("x", "x-a-allows-x-b", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }] });
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false).expect("x/b", "x/a", true));
  });

  it("allows ingress to a target on top of a namespace deny-all", () => {
    const denyAll = netpol("x", "deny-all", { podSelector: {}, policyTypes: ["Ingress"] });
    const allowToA = netpol("x", "allow-all-to-a", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] });
    const reach = new Reachability().expectAllIngress("x/b", false).expectAllIngress("x/c", false);
    check([denyAll, allowToA], TCP80, reach);
  });

  it("an empty namespaceSelector allows pods from all namespaces", () => {
    const policy = netpol("x", "allow-from-another-ns", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] });
    check([policy], TCP80, new Reachability());
  });

  it("allows traffic only from a different namespace, based on NamespaceSelector matchLabels", () => {
    const policy = netpol("x", "allow-client-a-via-ns-selector", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "y" } } }] }] });
    check([policy], TCP80, new Reachability().expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false).expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false));
  });

  it("PodSelector with matchExpressions In", () => {
    const policy = netpol("x", "x-a-allows-x-b", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: "pod", operator: "In", values: ["b"] }] } }] }] });
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false).expect("x/b", "x/a", true));
  });

  it("NamespaceSelector with matchExpressions In", () => {
    const nsIn = { matchExpressions: [{ key: NAME, operator: "In", values: ["y"] }] };
    const policy = netpol("x", "allow-ns-y-match-selector", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: nsIn }] }] });
    check([policy], TCP80, new Reachability().expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false).expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false));
  });

  it("PodSelector OR NamespaceSelector: two peers are a union", () => {
    const notX = { matchExpressions: [{ key: NAME, operator: "NotIn", values: ["x"] }] };
    const policy = netpol("x", "allow-ns-y-match-selector", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: notX }, { podSelector: { matchLabels: { pod: "b" } } }] }],
    });
    check([policy], TCP80, new Reachability().expect("x/a", "x/a", false).expect("x/c", "x/a", false));
  });

  it("PodSelector AND NamespaceSelector: both in one peer intersect", () => {
    const notX = { matchExpressions: [{ key: NAME, operator: "NotIn", values: ["x"] }] };
    const policy = netpol("x", "allow-ns-y-podselector-and-nsselector", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: notX, podSelector: { matchLabels: { pod: "b" } } }] }],
    });
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false).expect("y/b", "x/a", true).expect("z/b", "x/a", true));
  });

  it("multiple PodSelectors and NamespaceSelectors in one peer (In b,c and NotIn x)", () => {
    const policy = netpol("x", "allow-ns-y-z-pod-b-c", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: NAME, operator: "NotIn", values: ["x"] }] }, podSelector: { matchExpressions: [{ key: "pod", operator: "In", values: ["b", "c"] }] } }] }],
    });
    const reach = new Reachability().expectAllIngress("x/a", false);
    for (const from of ["y/b", "y/c", "z/b", "z/c"]) reach.expect(from, "x/a", true);
    check([policy], TCP80, reach);
  });

  it("any of several PodSelectors", () => {
    const policy = netpol("x", "allow-ns-x-pod-b-c", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }, { podSelector: { matchLabels: { pod: "c" } } }] }],
    });
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false).expect("x/b", "x/a", true).expect("x/c", "x/a", true));
  });

  it("a podSelector {} peer allows the policy's own namespace only (deny ingress from other namespaces)", () => {
    const policy = netpol("x", "deny-empty-policy", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] });
    check([policy], TCP80, new Reachability().expectPeer({ ns: "y" }, { ns: "x" }, false).expectPeer({ ns: "z" }, { ns: "x" }, false));
  });

  it("egress NamespaceSelector NotIn on the default namespace-name label", () => {
    const policy = netpol("x", "allow-ns-y-match-selector-for-immutable-ns-label", {
      podSelector: podA,
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: NAME, operator: "NotIn", values: ["y"] }] } }] }],
    });
    check([policy], TCP80, new Reachability().expectPeer({ ns: "x", pod: "a" }, { ns: "y" }, false));
  });
});

describe("upstream e2e: ports and protocols", () => {
  const allow81FromY = netpol("x", "allow-client-a-via-ns-selector", {
    podSelector: podA,
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "y" } } }], ports: [{ port: 81, protocol: "TCP" }] }],
  });
  const onlyYtoXa = () => new Reachability().expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false).expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false);

  it("a rule with a port allows that port only", () => {
    check([allow81FromY], TCP81, onlyYtoXa());
    check([allow81FromY], TCP80, new Reachability().expectAllIngress("x/a", false));
  });

  it("stacked policies with overlapping podSelectors add up per port", () => {
    const allow80FromY = netpol("x", "allow-client-a-via-ns-selector-80", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "y" } } }], ports: [{ port: 80, protocol: "TCP" }] }],
    });
    check([allow81FromY, allow80FromY], TCP80, onlyYtoXa());
    check([allow81FromY, allow80FromY], TCP81, onlyYtoXa());
  });

  it("an allow-all policy ({} rule) restricts nothing on any port", () => {
    const policy = netpol("x", "allow-all", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] });
    check([policy], TCP80, new Reachability());
    check([policy], TCP81, new Reachability());
  });

  it("ingress on one named port (serve-81-tcp) for the whole namespace", () => {
    const policy = netpol("x", "allow-all", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "serve-81-tcp" }] }] });
    check([policy], TCP81, new Reachability());
    check([policy], TCP80, new Reachability().expectPeer({}, { ns: "x" }, false));
  });

  it("ingress from a namespace on one named port (serve-80-tcp)", () => {
    const policy = netpol("x", "allow-client-a-via-ns-selector-80", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "y" } } }], ports: [{ port: "serve-80-tcp", protocol: "TCP" }] }],
    });
    check([policy], TCP80, onlyYtoXa());
    check([policy], TCP81, new Reachability().expectAllIngress("x/a", false));
  });

  it("egress on one named port resolves the name on each destination", () => {
    const policy = netpol("x", "allow-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: "serve-80-tcp" }] }] });
    check([policy], TCP80, new Reachability());
    check([policy], TCP81, new Reachability().expectPeer({ ns: "x" }, {}, false));
  });

  it("a protocol-only port entry allows every port of that protocol, and nothing of the others", () => {
    const policy = netpol("x", "allow-ingress-by-proto", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP" }] }] });
    check([policy], TCP80, new Reachability());
    check([policy], { port: 80, protocol: "UDP" }, new Reachability().expectPeer({}, { ns: "x", pod: "a" }, false));
  });

  it("'protocol: SCTP' is not treated as TCP", () => {
    const deny = netpol("x", "deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
    const sctp = netpol("x", "allow-only-sctp-ingress-on-port-81", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 81, protocol: "SCTP" }] }] });
    check([deny, sctp], TCP81, new Reachability().expectPeer({}, { ns: "x" }, false));
    check([deny, sctp], { port: 81, protocol: "SCTP" }, new Reachability().expectAllIngress("x/b", false).expectAllIngress("x/c", false));
  });

  it("a pod selected by an SCTP-only policy is isolated for TCP", () => {
    const sctp = netpol("x", "allow-only-sctp-ingress-on-port-80", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 80, protocol: "SCTP" }] }] });
    check([sctp], TCP81, new Reachability().expectAllIngress("x/a", false));
  });

  it("a UDP-only policy does not allow TCP", () => {
    const udp = netpol("x", "allow-only-udp-ingress-on-port-81", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 81, protocol: "UDP" }] }] });
    check([udp], TCP81, new Reachability().expectAllIngress("x/a", false));
    check([udp], { port: 81, protocol: "UDP" }, new Reachability());
  });

  it("SCTP port rule from namespace y", () => {
    const policy = netpol("x", "allow-ingress-on-port-81-ns-x", {
      podSelector: podA,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "y" } } }], ports: [{ port: 81, protocol: "SCTP" }] }],
    });
    check([policy], { port: 81, protocol: "SCTP" }, onlyYtoXa());
  });
});

describe("upstream e2e: ingress and egress together, and stacking", () => {
  it("Ingress and Egress specified together", () => {
    const policy = netpol("x", "allow-client-a-via-pod-selector", {
      podSelector: podA,
      policyTypes: ["Egress", "Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }],
      egress: [{ ports: [{ port: 80 }] }],
    });
    check([policy], TCP80, new Reachability().expectAllIngress("x/a", false).expect("x/b", "x/a", true));
    check([policy], TCP81, new Reachability().expectAllIngress("x/a", false).expectAllEgress("x/a", false).expect("x/b", "x/a", true));
  });

  it("egress is denied on the client side even if the server allows the traffic", () => {
    const fromXa = [{ namespaceSelector: { matchLabels: { [NAME]: "x" } }, podSelector: podA }];
    const policies = [
      netpol("x", "allow-to-ns-y-pod-a", { podSelector: podA, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { [NAME]: "y" } }, podSelector: podA }] }] }),
      netpol("y", "allow-from-xa-on-ya-match-selector", { podSelector: podA, policyTypes: ["Ingress"], ingress: [{ from: fromXa }] }),
      netpol("y", "allow-from-xa-on-yb-match-selector", { podSelector: { matchLabels: { pod: "b" } }, policyTypes: ["Ingress"], ingress: [{ from: fromXa }] }),
    ];
    const reach = new Reachability()
      .expectPeer({ ns: "x", pod: "a" }, {}, false)
      .expectPeer({}, { ns: "y", pod: "a" }, false)
      .expect("x/a", "y/a", true)
      .expectPeer({}, { ns: "y", pod: "b" }, false);
    check(policies, TCP80, reach);
  });

  it("egress to a server in a different namespace, by pod AND namespace selector", () => {
    const policy = netpol("x", "allow-to-ns-y-pod-a", { podSelector: podA, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { [NAME]: "y" } }, podSelector: podA }] }] });
    check([policy], TCP80, new Reachability().expectAllEgress("x/a", false).expect("x/a", "y/a", true));
  });

  it("an ingress allow-all policy takes precedence over a narrower one", () => {
    const only80 = netpol("x", "allow-ingress-port-80", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 80 }] }] });
    check([only80], TCP81, new Reachability().expectPeer({}, { ns: "x" }, false));
    const allowAll = netpol("x", "allow-ingress", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] });
    check([only80, allowAll], TCP81, new Reachability());
  });

  it("an egress allow-all policy takes precedence over a narrower one", () => {
    const only80 = netpol("x", "allow-egress-port-80", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 80 }] }] });
    check([only80], TCP81, new Reachability().expectPeer({ ns: "x" }, {}, false));
    const allowAll = netpol("x", "allow-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] });
    check([only80, allowAll], TCP81, new Reachability());
  });

  it("ingress and egress policies are controlled independently", () => {
    const allowEgress = netpol("x", "allow-egress-for-target", { podSelector: podA, policyTypes: ["Egress"], egress: [{}] });
    check([allowEgress], TCP80, new Reachability());
    const denyIngress = netpol("x", "deny-ingress-via-label-selector", { podSelector: podA, policyTypes: ["Ingress"] });
    check([allowEgress, denyIngress], TCP80, new Reachability().expectAllIngress("x/a", false));
  });
});

describe("upstream e2e: ipBlock", () => {
  it("allows egress to a server in a /32 CIDR block", () => {
    const policy = netpol("x", "allow-client-a-via-cidr-egress-rule", { podSelector: podA, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: `${podIp("y/b")}/32` } }] }] });
    check([policy], TCP80, new Reachability().expectAllEgress("x/a", false).expect("x/a", "y/b", true));
  });

  it("enforces the except clause", () => {
    const policy = netpol("x", "allow-client-a-via-cidr-egress-rule", {
      podSelector: podA,
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/16", except: [`${podIp("x/b")}/32`] } }] }],
    });
    check([policy], TCP80, new Reachability().expect("x/a", "x/b", false));
  });

  it("an IP in both a CIDR's except and another policy's CIDR is allowed (policies are additive)", () => {
    const withExcept = netpol("x", "allow-client-a-via-cidr-egress-rule", {
      podSelector: podA,
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/16", except: [`${podIp("x/b")}/32`] } }] }],
    });
    const exact = netpol("x", "allow-client-a-to-x-b", { podSelector: podA, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: `${podIp("x/b")}/32` } }] }] });
    check([withExcept, exact], TCP80, new Reachability());
    check([exact], TCP80, new Reachability().expectAllEgress("x/a", false).expect("x/a", "x/b", true));
  });
});
