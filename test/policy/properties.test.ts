/** Invariants over random universes (fast-check), and the engine against the reference oracle. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluatePolicies, expectations, type PolicyMatrix, type PolicyUniverse } from "../../policy";
import { policyArb, QUERIES, universeArb } from "./arbitraries";
import { referenceVerdict } from "./reference";

function forEachCell(m: PolicyMatrix, fn: (s: number, d: number, q: number) => void): void {
  for (let q = 0; q < m.ports.length; q++) for (let s = 0; s < m.pods.length; s++) for (let d = 0; d < m.pods.length; d++) fn(s, d, q);
}

/** Runs `check` on `numRuns` random universes, each with its matrix over QUERIES. */
function forAllUniverses(numRuns: number, check: (u: PolicyUniverse, m: PolicyMatrix) => void): void {
  fc.assert(fc.property(universeArb, (u) => check(u, evaluatePolicies(u, QUERIES))), { numRuns });
}

describe("properties", () => {
  it("every verdict equals the pair-by-pair reference evaluation", () => {
    forAllUniverses(300, (u, m) => {
      forEachCell(m, (s, d, q) => {
        const expected = referenceVerdict(u, u.pods[s]!, u.pods[d]!, QUERIES[q]!);
        if (m.verdict(s, d, q) !== expected) {
          throw new Error(`${m.pods[s]} → ${m.pods[d]} ${JSON.stringify(QUERIES[q])}: engine ${m.verdict(s, d, q)}, reference ${expected}`);
        }
      });
    });
  });

  it("a connection between pods that no policy selects (ingress at the destination, egress at the source) is allowed", () => {
    forAllUniverses(150, (_u, m) => {
      forEachCell(m, (s, d, q) => {
        if (!m.isIngressIsolated(d) && !m.isEgressIsolated(s) && m.port(d, q) !== undefined) expect(m.verdict(s, d, q)).toBe("allowed");
      });
    });
  });

  it("policies are additive: a new policy never takes away what was allowed, for pods it does not newly isolate", () => {
    fc.assert(
      fc.property(universeArb, policyArb("extra"), (u, extra) => {
        const before = evaluatePolicies(u, QUERIES);
        const after = evaluatePolicies({ ...u, policies: [...u.policies, extra] }, QUERIES);
        forEachCell(before, (s, d, q) => {
          const sameIsolation = before.isIngressIsolated(d) === after.isIngressIsolated(d) && before.isEgressIsolated(s) === after.isEgressIsolated(s);
          if (sameIsolation && before.allowed(s, d, q)) expect(after.allowed(s, d, q)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });

  it("verdicts do not depend on the order of the policies", () => {
    forAllUniverses(100, (u, a) => {
      const b = evaluatePolicies({ ...u, policies: [...u.policies].reverse() }, QUERIES);
      forEachCell(a, (s, d, q) => expect(b.verdict(s, d, q)).toBe(a.verdict(s, d, q)));
    });
  });

  it("a backend enforcing nothing expects every existing port to be reachable; one enforcing all expects the verdicts", () => {
    forAllUniverses(100, (_u, m) => {
      const none = expectations(m, { ingress: false, egress: false, ipBlock: false, why: "no policy support" });
      const full = expectations(m, { ingress: true, egress: true, ipBlock: true, why: "full policy support" });
      forEachCell(m, (s, d, q) => {
        expect(none.expected(s, d, q)).toBe(m.port(d, q) === undefined ? "no-such-port" : "allowed");
        expect(full.expected(s, d, q)).toBe(m.verdict(s, d, q));
      });
    });
  });
});
