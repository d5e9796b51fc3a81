/**
 * The e2e summary: one row per stack, one column per phase, pass/fail and seconds; as Markdown (for
 * a person and a CI job summary) and as JSON (for tools). Plain data in, text out.
 */
import { E2E_PHASES, type PhaseResult, type PhaseStatus } from "./e2e-phases";

export interface StackRun {
  stack: string;
  ok: boolean;
  phases: PhaseResult[];
  /** The folder with this stack's run log and, after a failure, what was collected to diagnose it. */
  dir: string;
  /** Files collected after a failure, relative to `dir`. */
  diagnostics: string[];
}

export interface E2eSummary {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  stacks: StackRun[];
}

const MARK: Readonly<Record<PhaseStatus, string>> = { pass: "pass", fail: "**FAIL**", "not-run": "–", skipped: "skipped" };

function cell(result: PhaseResult | undefined): string {
  if (!result) return "–";
  return result.seconds === undefined ? MARK[result.status] : `${MARK[result.status]} ${result.seconds.toFixed(1)} s`;
}

/** Table cells must not break the Markdown row. */
const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

export function renderSummaryMarkdown(summary: E2eSummary): string {
  const header = `| stack | ${E2E_PHASES.join(" | ")} | total |`;
  const rule = `|${" --- |".repeat(E2E_PHASES.length + 2)}`;
  const rows = summary.stacks.map((run) => {
    const byPhase = new Map(run.phases.map((p) => [p.phase, p]));
    const total = run.phases.reduce((sum, p) => sum + (p.seconds ?? 0), 0);
    return `| ${run.stack} | ${E2E_PHASES.map((p) => cell(byPhase.get(p))).join(" | ")} | ${total.toFixed(1)} s |`;
  });
  const failures = summary.stacks.flatMap((run) =>
    run.phases
      .filter((p) => p.status === "fail")
      .map((p) => `- **${run.stack}** ${p.phase}: ${escapeCell(p.note ?? "failed")}${run.diagnostics.length ? ` — collected in \`${run.dir}\` (${run.diagnostics.length} files)` : ""}`),
  );
  const passed = summary.stacks.filter((r) => r.ok).length;
  return [
    `# cnilab e2e: ${passed} of ${summary.stacks.length} stacks passed`,
    "",
    `${summary.startedAt} – ${summary.finishedAt}`,
    "",
    header,
    rule,
    ...rows,
    "",
    ...(failures.length ? ["## Failures", "", ...failures, ""] : []),
  ].join("\n");
}

export function renderSummaryJson(summary: E2eSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
