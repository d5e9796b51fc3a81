/** Engine verdicts through a backend's enforcement model. */
import { describe, expect, it } from "vitest";
import type { Enforcement } from "../../backends/types";
import { evaluatePolicies, expectations, type NetworkPolicy } from "../../policy";
import { netpol, podIp, universe } from "./universe";

const FULL: Enforcement = { ingress: true, egress: true, ipBlock: true, why: "calico enforces NetworkPolicy in full" };
const NONE: Enforcement = { ingress: false, egress: false, ipBlock: false, why: "flannel has no NetworkPolicy controller" };
const INGRESS_ONLY: Enforcement = { ingress: true, egress: false, ipBlock: true, why: "this dataplane only filters traffic into pods" };
const NO_IPBLOCK: Enforcement = { ingress: true, egress: true, ipBlock: false, why: "this dataplane does not program ipBlock peers" };

const denyAll = netpol("x", "deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

function expectationsFor(policies: NetworkPolicy[], enforcement: Enforcement) {
  const m = evaluatePolicies(universe(policies), [{ port: 80, protocol: "TCP" }]);
  const e = expectations(m, enforcement);
  return { m, e, at: (from: string, to: string) => e.explain(m.podIndex(from), m.podIndex(to), 0) };
}

describe("expectations", () => {
  it("a backend that enforces everything expects exactly the engine's verdicts, with the engine's reason", () => {
    const { m, e, at } = expectationsFor([denyAll], FULL);
    for (let s = 0; s < m.pods.length; s++) for (let d = 0; d < m.pods.length; d++) expect(e.expected(s, d, 0)).toBe(m.verdict(s, d, 0));
    expect(at("y/a", "x/a")).toMatchObject({ expected: "denied", notEnforced: [] });
    expect(at("y/a", "x/a").reason).toBe("denied: x/a is selected by ingress policy deny-all, which allows no ingress traffic");
  });

  it("on a backend that enforces nothing, everything is expected allowed and the reason says why", () => {
    const { m, e, at } = expectationsFor([denyAll], NONE);
    for (let s = 0; s < m.pods.length; s++) for (let d = 0; d < m.pods.length; d++) expect(e.expected(s, d, 0)).toBe("allowed");
    const x = at("x/a", "x/b");
    expect(x.verdict.verdict).toBe("denied");
    expect(x.notEnforced).toEqual(["ingress", "egress"]);
    expect(x.reason).toBe(
      "expected allowed (policy verdict denied: x/b is selected by ingress policy deny-all, which allows no ingress traffic; x/a is selected by egress policy deny-all, which allows no egress traffic); ingress and egress not enforced: flannel has no NetworkPolicy controller",
    );
    expect(at("y/a", "z/a")).toMatchObject({ expected: "allowed", notEnforced: [] });
  });

  it("a backend without egress enforcement keeps ingress denials and drops egress ones", () => {
    const { at } = expectationsFor([denyAll], INGRESS_ONLY);
    expect(at("y/a", "x/a").expected).toBe("denied");
    expect(at("x/a", "y/a")).toMatchObject({ expected: "allowed", notEnforced: ["egress"] });
  });

  it("a backend without ipBlock support gets no allowance from ipBlock peers", () => {
    const policy = netpol("x", "to-y-b", { podSelector: { matchLabels: { pod: "a" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: `${podIp("y/b")}/32` } }] }] });
    const { at } = expectationsFor([policy], NO_IPBLOCK);
    const e = at("x/a", "y/b");
    expect(e.verdict.verdict).toBe("allowed");
    expect(e).toMatchObject({ expected: "denied", notEnforced: ["ipBlock"] });
    expect(e.reason).toMatch(/^expected denied \(policy verdict allowed: .*to-y-b egress\[0\]\.to\[0\] allows y\/b.*\); ipBlock not enforced: this dataplane does not program ipBlock peers$/);
    expect(at("x/a", "y/c")).toMatchObject({ expected: "denied", notEnforced: [] });
  });
});
