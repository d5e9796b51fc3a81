/**
 * From what the API says to what a backend will do. The engine's verdicts assume a dataplane that
 * enforces all of NetworkPolicy; a backend's `Enforcement` says which parts it really enforces.
 * What it does not enforce stops restricting: on flannel (nothing enforced) every connection is
 * expected to go through, and the reason says which policy would have blocked it and why it won't.
 * A backend that does not program ipBlock peers gets no allowance from them.
 */
import type { Enforcement } from "../backends/types";
import type { PolicyMatrix } from "./engine";
import { describeVerdict } from "./reason";
import type { Verdict, VerdictExplanation } from "./types";

export type EnforcedFeature = "ingress" | "egress" | "ipBlock";

export interface ExpectationExplanation {
  expected: Verdict;
  /** What the API semantics say, before the backend. */
  verdict: VerdictExplanation;
  /** Parts of the backend's policy support this connection depends on and the backend lacks. */
  notEnforced: readonly EnforcedFeature[];
  reason: string;
}

export class ExpectationMatrix {
  /** The matrix as the backend evaluates it: without ipBlock peers when it does not enforce them. */
  private readonly effective: PolicyMatrix;

  constructor(
    readonly matrix: PolicyMatrix,
    readonly enforcement: Enforcement,
  ) {
    this.effective = enforcement.ipBlock ? matrix : matrix.withoutIpBlockPeers();
  }

  expected(src: number, dst: number, q: number): Verdict {
    const m = this.effective;
    if (m.verdict(src, dst, q) === "no-such-port") return "no-such-port";
    const inOk = !this.enforcement.ingress || m.ingressPasses(src, dst, q);
    const outOk = !this.enforcement.egress || m.egressPasses(src, dst, q);
    return inOk && outOk ? "allowed" : "denied";
  }

  explain(src: number, dst: number, q: number): ExpectationExplanation {
    const expected = this.expected(src, dst, q);
    const verdict = this.matrix.explain(src, dst, q);
    const notEnforced = this.missing(src, dst, q);
    const said = describeVerdict(verdict);
    const reason =
      notEnforced.length === 0
        ? said
        : `expected ${expected} (policy verdict ${said}); ${notEnforced.join(" and ")} not enforced: ${this.enforcement.why}`;
    return { expected, verdict, notEnforced, reason };
  }

  private missing(src: number, dst: number, q: number): EnforcedFeature[] {
    const out: EnforcedFeature[] = [];
    const { ingress, egress, ipBlock } = this.enforcement;
    // Only a side that would have blocked matters: an allowed side needs no enforcement to pass.
    if (!ingress && !this.matrix.ingressPasses(src, dst, q)) out.push("ingress");
    if (!egress && !this.matrix.egressPasses(src, dst, q)) out.push("egress");
    if (!ipBlock && this.matrix.verdict(src, dst, q) !== this.effective.verdict(src, dst, q)) out.push("ipBlock");
    return out;
  }
}

export function expectations(matrix: PolicyMatrix, enforcement: Enforcement): ExpectationMatrix {
  return new ExpectationMatrix(matrix, enforcement);
}
