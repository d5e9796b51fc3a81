/** The typed explanation of one verdict and its one-line rendering. */
import { describe, expect, it } from "vitest";
import { describeVerdict, evaluatePolicies, type NetworkPolicy, type PortQuery } from "../../policy";
import { netpol, universe } from "./universe";

const TCP80: PortQuery = { port: 80, protocol: "TCP" };

function explain(policies: NetworkPolicy[], from: string, to: string, query: PortQuery = TCP80, ips = true) {
  const m = evaluatePolicies(universe(policies, { ips }), [query]);
  return m.explain(m.podIndex(from), m.podIndex(to), 0);
}

describe("explanations", () => {
  it("names the policy that selects the destination and says no rule matches the source", () => {
    const e = explain([netpol("x", "deny-nginx", { podSelector: { matchLabels: { pod: "a" } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: "c" } } }] }] })], "y/b", "x/a");
    expect(e.verdict).toBe("denied");
    expect(e.ingress).toEqual({
      direction: "ingress",
      subject: "x/a",
      peer: "y/b",
      outcome: "no-rule-matches",
      selectedBy: ["deny-nginx"],
      rules: 1,
      allowedBy: [],
      peerOnly: [],
      unknownIp: [],
    });
    expect(e.egress.outcome).toBe("not-isolated");
    expect(describeVerdict(e)).toBe("denied: x/a is selected by ingress policy deny-nginx, whose rules allow no peer matching y/b");
  });

  it("cites the allowing rule by policy, rule index, peer index and ports index", () => {
    const policy = netpol("x", "allow-b", {
      podSelector: {},
      ingress: [{ ports: [{ port: 81 }] }, { from: [{ podSelector: { matchLabels: { pod: "c" } } }, { podSelector: { matchLabels: { pod: "b" } } }], ports: [{ port: 9000 }, { port: 80 }] }],
    });
    const e = explain([policy], "x/b", "x/a");
    expect(e.ingress.allowedBy).toEqual([{ policy: "allow-b", rule: 1, peer: 1, port: 1 }]);
    expect(e.ingress.peerOnly).toEqual([{ policy: "allow-b", rule: 0, peer: "any" }]);
    expect(describeVerdict(e)).toBe(
      "allowed: x/a is selected by ingress policy allow-b; allow-b ingress[1].from[1] ports[1] allows x/b; no egress policy selects x/b",
    );
  });

  it("says when the peer is allowed only on other ports", () => {
    const e = explain([netpol("x", "only-81", { podSelector: { matchLabels: { pod: "a" } }, ingress: [{ ports: [{ port: 81 }] }] })], "x/b", "x/a");
    expect(describeVerdict(e)).toBe("denied: x/a is selected by ingress policy only-81, whose rules allow x/b only on other ports than 80/TCP (only-81 ingress[0])");
  });

  it("says when the selecting policies have no rules at all, for egress too", () => {
    const policies = [netpol("x", "deny-out", { podSelector: {}, policyTypes: ["Egress"] }), netpol("x", "deny-out-2", { podSelector: {}, policyTypes: ["Egress"] })];
    const e = explain(policies, "x/a", "y/a");
    expect(e.egress).toMatchObject({ subject: "x/a", peer: "y/a", selectedBy: ["deny-out", "deny-out-2"], rules: 0 });
    expect(describeVerdict(e)).toBe("denied: x/a is selected by egress policies deny-out, deny-out-2, which allow no egress traffic");
  });

  it("lists both failing directions", () => {
    const policies = [netpol("x", "deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] })];
    expect(describeVerdict(explain(policies, "x/a", "x/b"))).toBe(
      "denied: x/b is selected by ingress policy deny-all, which allows no ingress traffic; x/a is selected by egress policy deny-all, which allows no egress traffic",
    );
  });

  it("says that ipBlock cannot match a pod whose IP is unknown", () => {
    const policy = netpol("x", "cidr", { podSelector: { matchLabels: { pod: "a" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { pod: "c" } } }, { ipBlock: { cidr: "10.0.0.0/8" } }] }] });
    const e = explain([policy], "x/a", "y/b", TCP80, false);
    expect(e.egress.unknownIp).toEqual([{ policy: "cidr", rule: 0, peer: 1 }]);
    expect(describeVerdict(e)).toBe(
      "denied: x/a is selected by egress policy cidr, whose rules allow no peer matching y/b (y/b has no known IP, so ipBlock peers cannot match it: cidr egress[0].to[1])",
    );
  });

  it("marks traffic to itself", () => {
    expect(describeVerdict(explain([], "x/a", "x/a"))).toBe(
      "allowed: no ingress policy selects x/a; no egress policy selects x/a (traffic to itself: upstream e2e does not judge loopback)",
    );
  });

  it("reports the resolved number for a named port query, and no-such-port where the name is missing", () => {
    const m = evaluatePolicies(universe([]), [{ port: "serve-81-udp", protocol: "UDP" }, { port: "serve-81-udp", protocol: "TCP" }]);
    const e = m.explain(0, 1, 0);
    expect([e.port, e.protocol, e.verdict]).toEqual([81, "UDP", "allowed"]);
    const missing = m.explain(0, 1, 1);
    expect(missing.verdict).toBe("no-such-port");
    expect(describeVerdict(missing)).toBe("no such port: x/b declares no TCP container port named serve-81-udp");
  });

  it("shortens long lists of policies", () => {
    const policies = ["p1", "p2", "p3", "p4", "p5"].map((name) => netpol("x", name, { podSelector: {}, policyTypes: ["Ingress"] }));
    expect(describeVerdict(explain(policies, "y/a", "x/a"))).toBe("denied: x/a is selected by ingress policies p1, p2, p3 and 2 more, which allow no ingress traffic");
  });
});
