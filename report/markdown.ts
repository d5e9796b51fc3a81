/** The comparison as Markdown: one column per stack in every table. */
import { fmt, type BenchMetric } from "../datapath/results";
import type { Comparison, PerfRow, ProbeCell, ScenarioBlock } from "./model";

/** Table cells may not contain a pipe or a newline. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.map(cell).join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

export function probeCell(c: ProbeCell | null): string {
  if (c === null) return "·";
  switch (c.status) {
    case "pass":
      return `✓ ${c.observed}`;
    case "mismatch":
      return `✗ ${c.observed} (expected ${c.expect})`;
    case "error":
      return `? error (expected ${c.expect})`;
    case "skipped":
      return "– skipped";
  }
}

/** What a performance cell says; the ratio is withheld as the datapath bench withholds it. */
export const PERF_LEGEND =
  "Median (min–max) of the measured repetitions, ×ratio to the node↔node baseline of the same run; when the repetitions of either side disagree by more than 15 % (max − min over the median) the ratio is withheld as too noisy.";

export const METRIC_LABEL: Record<BenchMetric, string> = {
  throughput: "throughput",
  "cpu-per-gbit": "CPU-s per Gbit",
  "latency-p50": "latency p50",
  "latency-p99": "latency p99",
  "connect-rate": "connections/s",
};

export function perfCell(c: PerfRow["cells"][number], metric: BenchMetric): string {
  if (c === null) return "–";
  const spread = c.reps > 1 ? ` (${fmt(c.min, metric)}–${fmt(c.max, metric)})` : "";
  // A ratio is a figure only when both sides are steady; otherwise the cell says which was too noisy.
  const ratio = c.ratio === null ? (c.noisy ? " ⚠ noisy" : "") : c.withheld ? ` ${c.withheld}` : ` ×${c.ratio.toFixed(2)}`;
  return `${fmt(c.median, metric)}${spread} ${c.unit}${ratio}`;
}

function scenario(block: ScenarioBlock, stacks: string[]): string[] {
  const header = block.summary.map((s) => (s === null ? "not run" : `${s.pass}/${s.total} as expected`));
  return [
    `### ${block.scenario}`,
    "",
    ...table(["probe", ...stacks.map((s, i) => `${s} (${header[i]})`)], block.rows.map((r) => [r.label, ...r.cells.map(probeCell)])),
    "",
  ];
}

const MiB = 1024 * 1024;

export function renderMarkdown(c: Comparison): string {
  const names = c.stacks.map((s) => s.stack);
  const lines: string[] = [`# cnilab compare: ${names.join(", ")}`, "", `Generated ${c.generatedAt}.`, "", `> **Read ratios, not Gbit/s.** ${c.caveat}`, ""];

  const missing = c.stacks.flatMap((s) => [...s.missing.map((m) => `- ${s.stack}: no ${m.kind}.json — run \`${m.command}\``), ...s.unreadable.map((u) => `- ${s.stack}: unreadable ${u}`)]);
  if (missing.length > 0) lines.push("## Missing results", "", ...missing, "");

  lines.push("## Stacks", "", ...table(["", ...names], [
    ["backend", ...c.stacks.map((s) => s.title)],
    ["measured in", ...c.stacks.map((s) => s.source)],
    ["verify", ...c.stacks.map((s) => (s.verifyCounts ? `${s.verifyCounts.pass} as expected, ${s.verifyCounts.mismatch} mismatched, ${s.verifyCounts.error} errors, ${s.verifyCounts.skipped} skipped` : "–"))],
  ]), "");

  lines.push("## Policy enforcement per scenario", "", "Each cell: the outcome observed; ✓ as expected for that backend, ✗ not (the expected outcome follows).", "");
  if (c.scenarios.length === 0) lines.push("No verify results.", "");
  lines.push(...table(["scenario", ...names], c.scenarios.map((b) => [b.scenario, ...b.summary.map((s) => (s === null ? "–" : `${s.pass}/${s.total}`))])), "");
  for (const block of c.scenarios) lines.push(...scenario(block, names));

  lines.push("## Health checks", "");
  if (c.health) lines.push(...table(["check", ...names], c.health.rows.map((r) => [r.id.replace(/^health\//, ""), ...r.cells.map(probeCell)])), "");
  else lines.push("No verify results.", "");

  lines.push("## Datapath", "", ...table(["", ...names], c.datapath.map((f) => [f.label, ...f.values])), "");

  lines.push("## Performance", "", PERF_LEGEND, "");
  if (c.performance.length === 0) lines.push("No perf results.", "");
  else lines.push(...table(["pair", "test", "metric", ...names], c.performance.map((r) => [r.pair, r.test, METRIC_LABEL[r.metric], ...r.cells.map((x) => perfCell(x, r.metric))])), "");

  const nodes = [...new Set(c.stacks.flatMap((s) => (s.footprint ?? []).map((n) => n.container.replace(/^.*-(control-plane|worker\d*)$/, "$1"))))];
  if (nodes.length > 0) {
    lines.push("## Idle memory per node container", "", "`docker stats --no-stream` before the measurement started.", "");
    lines.push(...table(["node", ...names], nodes.map((role) => [role, ...c.stacks.map((s) => {
      const n = s.footprint?.find((f) => f.container.endsWith(`-${role}`) || f.container === role);
      return n ? `${(n.memoryBytes / MiB).toFixed(0)} MiB, CPU ${n.cpuPercent.toFixed(1)} %` : "–";
    })])), "");
  }

  const problems = c.stacks.flatMap((s) => s.problems.map((p) => `- ${s.stack}: ${p}`));
  if (problems.length > 0) lines.push("## Runs that failed", "", ...problems, "");

  const keys = [...new Set(c.stacks.flatMap((s) => Object.keys(s.fingerprint ?? {})))];
  lines.push("## Fingerprint", "");
  if (keys.length === 0) lines.push("No perf results, so no fingerprint.", "");
  else lines.push(...table(["", ...names], keys.map((k) => [k, ...c.stacks.map((s) => s.fingerprint?.[k] ?? "–")])), "");
  return `${lines.join("\n")}\n`;
}
