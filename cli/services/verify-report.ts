/**
 * Expected against observed for a kind-cluster lab, from its stack outputs: read the assertion Jobs'
 * logs, print the report (and save it for `compare`, and JUnit when asked). `verify`, `up` and `e2e`
 * all end with it.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { renderReport } from "../../assertions/render";
import { verify, type VerifyReport } from "../../assertions/verify";
import { asExpected } from "../../verdict/judge";
import { renderJUnit } from "../../verdict/junit";
import type { AssertionsOutput } from "../../plan/outputs";
import type { BackendFacts } from "../../backends";
import { painter } from "../../host/colour";
import { stateDir } from "../../host/state";
import { saveVerifyReport } from "../../report/results-store";
import type { Io } from "../command";
import { matched } from "../exit";
import type { LabCommandDeps } from "../deps";
import { readJobLogs, type JobLogs } from "../job-logs";

export interface VerifyOptions {
  json?: boolean;
  junit?: string;
}

/** The report from a stack's outputs: the probes and Jobs are in `assertions`, the kubeconfig reads the logs. */
export async function verifyFromOutputs(
  stack: string,
  backend: BackendFacts,
  outputs: OutputMap,
  readLogs: (kubeconfig: string, jobs: AssertionsOutput["jobs"]) => Promise<JobLogs> = readJobLogs,
): Promise<VerifyReport | string> {
  const assertions = outputs.assertions?.value as AssertionsOutput | undefined;
  const kubeconfig = outputs.kubeconfig?.value as string | undefined;
  if (!assertions || !kubeconfig) return `the stack has no ${!assertions ? "assertions" : "kubeconfig"} output: run 'cnilab up ${stack}' first`;
  const logs = await readLogs(kubeconfig, assertions.jobs);
  return verify({ stack, backend, probes: assertions.probes, skipped: assertions.skipped, logs });
}

/** Prints (and saves, under the state directory of `root`) a report; returns verify's exit code. */
export function showVerify(report: VerifyReport, io: Io, root: string, options: VerifyOptions): number {
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report, painter(io.colour)));
  const saved = saveVerifyReport(stateDir(io.env, io.cwd, root), report.stack, report);
  if (!options.json) io.stdout(`saved ${saved}\n`);
  if (options.junit) {
    const file = resolve(io.cwd, options.junit);
    writeFileSync(file, renderJUnit(report.stack, report.probes));
    if (!options.json) io.stdout(`JUnit: ${file}\n`);
  }
  // A mismatch or an error fails; skips are not failures.
  return matched(asExpected(report.counts));
}

/** verifyFromOutputs, then showVerify: the exit code, or why there is no report. */
export async function showVerifyFromOutputs(
  stack: string,
  backend: BackendFacts,
  outputs: OutputMap,
  io: Io,
  deps: Pick<LabCommandDeps, "root" | "readLogs">,
  options: VerifyOptions,
): Promise<number | string> {
  const report = await verifyFromOutputs(stack, backend, outputs, deps.readLogs);
  return typeof report === "string" ? report : showVerify(report, io, deps.root, options);
}

