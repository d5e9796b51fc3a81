/**
 * A Docker-only lab's `results` stack output (docker/report.ts: every probe, the outcome the driver's
 * facts expect and the one the assertion container saw), printed as `up` ends and by `verify`.
 */
import { matched } from "./exit";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { planDockerLab, renderDockerReport, type DockerLabReport, type DockerSpec } from "../docker";
import type { Host } from "../host/host";
import { overlayEvidence } from "./docker-overlay";
import { painter } from "../host/colour";
import { asExpected } from "../verdict/judge";
import type { Io } from "./command";

/** The stack output holding the report (docker/outputs.ts DockerLabOutputs). */
export const RESULTS_OUTPUT = "results";

/** The report from the stack's outputs, or why there is none. */
export function dockerResults(stack: string, outputs: OutputMap): DockerLabReport | string {
  const report = outputs[RESULTS_OUTPUT]?.value as DockerLabReport | undefined;
  if (report === undefined) return `the stack has no ${RESULTS_OUTPUT} output: run 'cnilab up ${stack}' first`;
  // Reports written before the shared verdict rows (verdict/types.ts) have no counts.
  if (!Array.isArray(report.probes) || typeof report.counts !== "object") return `the stack's ${RESULTS_OUTPUT} output is from an older cnilab: run 'cnilab up ${stack}' again`;
  return report;
}

/**
 * `verify` of a Docker-only stack: for the overlay lab first what Docker built for it (read from
 * Docker: the only verify that touches the machine), then the report.
 */
export async function showDockerVerify(stack: string, spec: DockerSpec, outputs: OutputMap, io: Io, json: boolean, host: Host): Promise<number | string> {
  const plan = planDockerLab(spec);
  if (plan.swarm && !json) for (const line of await overlayEvidence(host, plan)) io.stdout(`${line}\n`);
  return showDockerResults(stack, outputs, io, json);
}

/**
 * Prints the report of the stack's outputs (a table, or JSON): exit 1 when any probe disagreed with
 * the driver's facts, else 0; or why there is no report.
 */
export function showDockerResults(stack: string, outputs: OutputMap, io: Io, json: boolean): number | string {
  const report = dockerResults(stack, outputs);
  if (typeof report === "string") return report;
  io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : renderDockerReport(stack, report, painter(io.colour)));
  return matched(asExpected(report.counts));
}
