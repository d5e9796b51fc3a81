import type { PlanFileProbe, ProbePlanFile } from "../probe/types";
import { PROBE_TIMING, type ProbeSetting } from "./timing";
import type { PlannedProbe } from "./types";

/**
 * The probe program's plan for one source's probes, timed for its kind of lab (verdict/timing.ts).
 * Each probe retries toward its `expect`; the other accepted outcomes are judged afterwards.
 */
export function probePlanFor(probes: readonly PlannedProbe[], setting: ProbeSetting, concurrency?: number): ProbePlanFile {
  const { timeoutMs, attempts, retryDelayMs } = PROBE_TIMING[setting];
  return {
    ...(concurrency === undefined ? {} : { concurrency }),
    retryDelayMs,
    probes: probes.map((p): PlanFileProbe => {
      const common = {
        id: p.id,
        port: p.port,
        protocol: p.protocol,
        timeoutMs,
        attempts,
        expect: p.expect,
        ...(p.within === undefined ? {} : { within: p.within }),
        ...(p.content === undefined ? {} : { content: p.content }),
      };
      return p.endpoint ? { ...common, endpoint: p.endpoint } : { ...common, to: p.to };
    }),
  };
}
