/**
 * A Docker-only lab's `results` stack output (docker/report.ts: every probe, the outcome the driver's
 * facts expect and the one the assertion container saw) as the table `up` ends with and `verify`
 * prints.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import type { DockerLabReport, ProbeVerdict } from "../docker";
import { OUTCOME_MEANING } from "../probe/types";
import type { Io } from "./command";

/** The stack output holding the report (docker/outputs.ts DockerLabOutputs). */
export const RESULTS_OUTPUT = "results";

/** The report from the stack's outputs, or why there is none. */
export function dockerResults(stack: string, outputs: OutputMap): DockerLabReport | string {
  const report = outputs[RESULTS_OUTPUT]?.value as DockerLabReport | undefined;
  return report ?? `the stack has no ${RESULTS_OUTPUT} output: run 'cnilab up ${stack}' first`;
}

const verdict = (p: ProbeVerdict) => (p.matches ? "ok" : p.observed.outcome === "error" ? "ERROR" : "MISMATCH");

/** Rows as aligned columns, indented by two. */
export function columns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()}`);
}

export function renderDockerReport(stack: string, report: DockerLabReport): string {
  const lines = [`cnilab verify ${stack} (Docker-only lab ${report.lab}, driver ${report.driver})`, `parent: ${report.parent.note}`, ""];
  lines.push(
    ...columns([
      ["probe", "target", "path", "expected", "observed", ""],
      ...report.probes.map((p) => [`${p.from} → ${p.to}`, `${p.address}:${p.port}/${p.protocol}`, p.path, p.expect.join(" or "), p.observed.outcome, verdict(p)]),
    ]),
    "",
  );
  const wrong = report.probes.filter((p) => !p.matches);
  if (wrong.length > 0) {
    lines.push("Mismatches:");
    for (const p of wrong) {
      const o = p.observed;
      lines.push(
        `  ${verdict(p)} ${p.id}: expected ${p.expect.join(" or ")}, observed ${o.outcome} after ${o.attempts} attempt(s)${o.detail ? ` [${o.detail}]` : ""}`,
        `    expected because ${p.why}`,
        `    ${o.outcome} means: ${OUTCOME_MEANING[o.outcome]}`,
      );
    }
    lines.push("");
  }
  if (report.skipped.length > 0) lines.push("Skipped:", ...report.skipped.map((s) => `  ${s.id}: ${s.reason}`), "");
  const s = report.summary;
  lines.push(`${s.matched} as expected, ${s.mismatched} mismatched, ${report.skipped.length} skipped`);
  return `${lines.join("\n")}\n`;
}

/**
 * Prints the report of the stack's outputs (a table, or JSON): exit 1 when any probe disagreed with
 * the driver's facts, else 0; or why there is no report.
 */
export function showDockerResults(stack: string, outputs: OutputMap, io: Io, json: boolean): number | string {
  const report = dockerResults(stack, outputs);
  if (typeof report === "string") return report;
  io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : renderDockerReport(stack, report));
  return report.summary.mismatched > 0 ? 1 : 0;
}
