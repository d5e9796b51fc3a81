import { parseProbeLog } from "../probe/parse";
import type { ProbeResult } from "../probe/types";
import type { DockerDriver } from "./drivers";
import type { ParentPlan } from "./parent";
import type { DockerLabPlan } from "./plan";
import type { PlannedProbe, SkippedProbe } from "./probes";

/** One probe: what the driver's facts expected, what the assertion container saw, and whether they agree. */
export interface ProbeVerdict extends PlannedProbe {
  observed: ProbeResult;
  matches: boolean;
}

/** The stack output of a Docker-only lab. */
export interface DockerLabReport {
  lab: string;
  driver: DockerDriver;
  parent: ParentPlan;
  probes: ProbeVerdict[];
  skipped: SkippedProbe[];
  summary: { total: number; matched: number; mismatched: number };
}

/**
 * Reads each client's assertion log (keyed by the client's lab name) and judges every planned probe.
 * A missing or unreadable log line is an `error` result (probe/parse.ts), which matches no expectation.
 */
export function reportDockerLab(plan: DockerLabPlan, logsByClient: Readonly<Record<string, string>>): DockerLabReport {
  const observed = new Map<string, ProbeResult>();
  const clients = [...new Set(plan.probes.map((p) => p.from))];
  for (const client of clients) {
    const ids = plan.probes.filter((p) => p.from === client).map((p) => p.id);
    for (const result of parseProbeLog(logsByClient[client] ?? "", ids)) observed.set(result.id, result);
  }
  const probes = plan.probes.map((p): ProbeVerdict => {
    const result = observed.get(p.id)!;
    return { ...p, observed: result, matches: p.expect.includes(result.outcome) };
  });
  const matched = probes.filter((p) => p.matches).length;
  return {
    lab: plan.lab,
    driver: plan.driver,
    parent: plan.parent,
    probes,
    skipped: plan.skipped,
    summary: { total: probes.length, matched, mismatched: probes.length - matched },
  };
}
