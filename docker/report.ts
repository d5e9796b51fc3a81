import { plain, type Paint } from "../host/colour";
import { judge, type ProbeLog } from "../verdict/judge";
import { bindResult, type ContainerExit } from "./bind";
import { BIND_GROUP } from "./servers";
import { renderCounts, renderMismatches, renderSkipped, renderTable } from "../verdict/render";
import type { Verdicts } from "../verdict/types";
import type { DockerDriver } from "./drivers";
import type { ParentPlan } from "./parent";
import type { DockerLabPlan } from "./plan-types";

/** The stack output of a Docker-only lab: every probe judged against the driver's facts (verdict/types.ts rows), and the tally. */
export interface DockerLabReport extends Verdicts {
  lab: string;
  driver: DockerDriver;
  parent: ParentPlan;
}

/**
 * Reads each client's assertion log (keyed by the client's lab name), and each clash container's
 * exit and log (docker/bind.ts), and judges every planned probe. A missing or unreadable log line is
 * an `error` result (probe/parse.ts), which matches no expectation.
 */
export function reportDockerLab(
  plan: DockerLabPlan,
  logsByClient: Readonly<Record<string, string>>,
  clashExits: Readonly<Record<string, ContainerExit>> = {},
): DockerLabReport {
  const logs: Record<string, ProbeLog> = Object.fromEntries(Object.entries(logsByClient).map(([client, text]) => [client, { text }]));
  for (const p of plan.probes.filter((p) => p.group === BIND_GROUP)) {
    const exit = clashExits[p.client];
    logs[p.client] = exit ? { results: [bindResult(p.id, exit)] } : { missing: `no exit code and log read from clash container ${p.client}` };
  }
  return { lab: plan.lab, driver: plan.driver, parent: plan.parent, ...judge(plan.probes, plan.skipped, logs) };
}

/** The report as the table `up` ends with and `verify` prints, through the shared renderings. */
export function renderDockerReport(stack: string, report: DockerLabReport, paint: Paint = plain): string {
  return [
    `cnilab verify ${stack} (Docker-only lab ${report.lab}, driver ${report.driver})`,
    `parent: ${report.parent.note}`,
    "",
    ...renderTable(report.probes, "path", paint),
    "",
    ...renderMismatches(report.probes, paint),
    ...renderSkipped(report.probes),
    renderCounts(report.counts, paint),
    "",
  ].join("\n");
}
