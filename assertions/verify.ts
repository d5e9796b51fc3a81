import { OUTCOME_MEANING } from "../probe/types";
import { explainOutcome, judge, type Explain, type ProbeLog } from "../verdict/judge";
import type { ProbeRow, SkippedProbe, Status } from "../verdict/types";
import type { ResolvedProbe } from "./types";

/**
 * A cluster lab's expected against observed: each assertion Job's log judged through the shared core
 * (verdict/judge.ts), with explanations that know where a cluster goes wrong.
 */

/** What `cnilab verify` saves (.cnilab/results/<stack>/verify.json) and `compare` reads. */
export interface VerifyReport {
  stack: string;
  backend: string;
  probes: ProbeRow[];
  counts: Record<Status, number>;
}

export interface VerifyInput {
  stack: string;
  backend: { name: string; title: string; enforcement: { why: string } };
  probes: readonly ResolvedProbe[];
  skipped: readonly SkippedProbe[];
  /** client name → its Job's log, or why it could not be read. */
  logs: Readonly<Record<string, ProbeLog>>;
}

/** What an unexpected observation usually means in a cluster: a policy, the datapath, a target not Ready, DNS. */
function clusterExplain(backendTitle: string): Explain {
  return (p, observed) => {
    const saw = `observed ${observed} (${OUTCOME_MEANING[observed]})`;
    if (observed === "error") return `${saw}. The probe did not report: look at the Job's pod log.`;
    if (p.expect === "connected") {
      if (observed === "timeout") return `${saw}. Something drops this path on ${backendTitle}: a policy the engine did not expect to apply, or a CNI datapath problem (routes, MTU, rp_filter).`;
      if (observed === "refused") return `${saw}. The path works but nothing listens on ${p.to}:${p.port}/${p.protocol}: is the target pod Ready?`;
      if (observed === "dns-error") return `${saw}. Cluster DNS failed: is CoreDNS Ready and reachable through its ClusterIP?`;
      return `${saw}. The pod has no route to ${p.to}: check the pod's routes and the node's.`;
    }
    if (observed === "connected") {
      return `${saw}, but ${p.expect} was expected because: ${p.why}. If a policy should block this, it is not enforced (yet) on ${backendTitle}.`;
    }
    return explainOutcome(p, observed);
  };
}

export function verify(input: VerifyInput): VerifyReport {
  const { probes, counts } = judge(input.probes, input.skipped, input.logs, clusterExplain(input.backend.title));
  return { stack: input.stack, backend: input.backend.name, probes, counts };
}
