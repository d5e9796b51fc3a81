/**
 * The comparison as data: one column per stack, built only from saved results (results-store.ts)
 * and BACKEND_FACTS. Markdown, JSON and HTML are renderings of this; nothing here formats. Pure.
 */
import type { Status } from "../verdict/types";
import { BACKEND_FACTS } from "../backends";
import type { Backend } from "../backends/types";
import { BENCH_TESTS, MEASURED_PAIRS, ratioCell, type BenchMetric, type BenchSummaryRow, type BenchTest, type MeasuredPair, type NodeFootprint } from "../datapath/results";
import { stackFacts } from "./datapath-facts";
import { DATAPATH_PREFIX, resultsBackend, type ResultKind, type StackResults } from "./results-store";

/** research/benchmarks.md §4.3, printed in every report. */
export const KIND_CAVEAT =
  'Inside kind every "cross-node" path is one kernel: all nodes are containers on one Docker bridge, so there is no NIC, ' +
  "no wire and no offload, and encapsulation and decapsulation run on the same CPUs. Absolute Gbit/s depend on this " +
  "machine and what else it runs, not on the CNI; ratios to the node↔node baseline measured in the same run do carry " +
  "meaning, as do CPU-seconds per Gbit and added latency. /proc/stat is host-wide in every node, so CPU figures are the whole machine's.";

export interface Missing {
  kind: ResultKind;
  /** The command that produces it. */
  command: string;
}

export interface StackColumn {
  stack: string;
  backend?: Backend;
  title: string;
  source: "cluster" | "datapath lab";
  files: Partial<Record<ResultKind, string>>;
  missing: Missing[];
  unreadable: string[];
  verifyCounts?: Record<Status, number>;
  fingerprint?: Record<string, string>;
  footprint?: NodeFootprint[];
  problems: string[];
}

export interface ProbeCell {
  expect: string;
  observed: string;
  status: Status;
}

/** One probe across the compared stacks. */
export interface ComparisonRow {
  id: string;
  /** "demo → default/nginx :80/tcp" */
  label: string;
  /** One per stack, in column order; null when that stack did not probe it. */
  cells: (ProbeCell | null)[];
}

export interface ScenarioBlock {
  scenario: string;
  /** Per stack: probes as expected / probes run, null when not run. */
  summary: ({ pass: number; total: number } | null)[];
  rows: ComparisonRow[];
}

export interface FactRow {
  label: string;
  /** One per stack, in column order ("–" when unknown). */
  values: string[];
}

/** One stack's figure: median, min–max, the ratio to its own node↔node baseline, or why that ratio is withheld. */
export interface PerfCell extends Pick<BenchSummaryRow, "median" | "min" | "max" | "ratio" | "noisy" | "reps" | "unit"> {
  /**
   * "too noisy (…)" when the repetitions behind the ratio (this figure's or its baseline's) disagree
   * by more than 15 %: the datapath bench's rule (datapath/results.ts ratioCell), so both say the same.
   */
  withheld: string | null;
}

export interface PerfRow {
  pair: MeasuredPair;
  test: BenchTest;
  metric: BenchMetric;
  cells: (PerfCell | null)[];
}

export interface Comparison {
  generatedAt: string;
  caveat: string;
  stacks: StackColumn[];
  scenarios: ScenarioBlock[];
  health: ScenarioBlock | null;
  datapath: FactRow[];
  performance: PerfRow[];
}

/** The metrics shown per test, in this order. */
export const TEST_METRICS: Record<BenchTest, readonly BenchMetric[]> = {
  "tcp-1": ["throughput", "cpu-per-gbit"],
  "tcp-4": ["throughput", "cpu-per-gbit"],
  "tcp-rr": ["latency-p50", "latency-p99"],
  "tcp-crr": ["connect-rate", "latency-p50"],
};

function missingCommands(r: StackResults, backend: Backend | undefined): Missing[] {
  const missing: Missing[] = [];
  if (r.stack.startsWith(DATAPATH_PREFIX)) {
    const b = backend ?? r.stack.slice(DATAPATH_PREFIX.length);
    if (!r.perf) missing.push({ kind: "perf", command: `sudo cnilab datapath bench ${b}` });
    return missing;
  }
  if (!r.verify) missing.push({ kind: "verify", command: `cnilab up ${r.stack} && cnilab verify ${r.stack}` });
  if (!r.perf) missing.push({ kind: "perf", command: `cnilab perf ${r.stack} --quick` });
  if (!r.facts) missing.push({ kind: "facts", command: `cnilab perf ${r.stack} --quick` });
  return missing;
}

function column(r: StackResults): StackColumn {
  const backend = resultsBackend(r);
  return {
    stack: r.stack,
    ...(backend ? { backend } : {}),
    title: backend ? BACKEND_FACTS[backend].title : r.stack,
    source: r.stack.startsWith(DATAPATH_PREFIX) ? "datapath lab" : "cluster",
    files: r.files,
    missing: missingCommands(r, backend),
    unreadable: Object.values(r.unreadable),
    ...(r.verify ? { verifyCounts: r.verify.counts } : {}),
    ...(r.perf ? { fingerprint: r.perf.host } : {}),
    ...(r.perf?.nodes ? { footprint: r.perf.nodes } : {}),
    problems: r.perf?.problems ?? [],
  };
}

function scenarioBlocks(results: readonly StackResults[]): ScenarioBlock[] {
  const order: string[] = [];
  const rows = new Map<string, Map<string, ComparisonRow>>();
  results.forEach((r, i) => {
    for (const p of r.verify?.probes ?? []) {
      if (!rows.has(p.group)) {
        rows.set(p.group, new Map());
        order.push(p.group);
      }
      const group = rows.get(p.group)!;
      const label = p.status === "skipped" ? p.id : `${p.client} → ${p.toLabel} :${p.port}/${p.protocol}`;
      const row = group.get(p.id) ?? { id: p.id, label, cells: results.map(() => null) };
      row.cells[i] = { expect: p.expect, observed: p.observed, status: p.status };
      group.set(p.id, row);
    }
  });
  return order.map((scenario) => {
    const blockRows = [...rows.get(scenario)!.values()];
    return {
      scenario,
      summary: results.map((_, i) => {
        const ran = blockRows.map((row) => row.cells[i] ?? null).filter((c): c is ProbeCell => c !== null && c.status !== "skipped");
        return ran.length === 0 ? null : { pass: ran.filter((c) => c.status === "pass").length, total: ran.length };
      }),
      rows: blockRows,
    };
  });
}

function performanceRows(results: readonly StackResults[]): PerfRow[] {
  const out: PerfRow[] = [];
  for (const pair of MEASURED_PAIRS) {
    for (const test of BENCH_TESTS) {
      for (const metric of TEST_METRICS[test]) {
        const cells = results.map((r) => {
          const row = r.perf?.summary.find((s) => s.pair === pair && s.test === test && s.metric === metric);
          if (!row) return null;
          const ratio = ratioCell(row, r.perf!.summary);
          const withheld = ratio.startsWith("too noisy") ? ratio : null;
          return { median: row.median, min: row.min, max: row.max, ratio: row.ratio, noisy: row.noisy, reps: row.reps, unit: row.unit, withheld };
        });
        if (cells.some((c) => c !== null)) out.push({ pair, test, metric, cells });
      }
    }
  }
  return out;
}

export function buildComparison(results: readonly StackResults[], generatedAt: string): Comparison {
  const blocks = scenarioBlocks(results);
  return {
    generatedAt,
    caveat: KIND_CAVEAT,
    stacks: results.map(column),
    scenarios: blocks.filter((b) => b.scenario !== "health"),
    health: blocks.find((b) => b.scenario === "health") ?? null,
    datapath: factRowsFor(results),
    performance: performanceRows(results),
  };
}

/** Transposes per-stack fact lists into rows with one value per stack. */
function factRowsFor(results: readonly StackResults[]): FactRow[] {
  const perStack = results.map((r) => stackFacts(r, resultsBackend(r)));
  const labels = [...new Set(perStack.flatMap((rows) => rows.map((row) => row.label)))];
  const rows = labels.map((label) => ({ label, values: perStack.map((rows) => rows.find((row) => row.label === label)?.values[0] ?? "–") }));
  // A row no stack has a value for ("on kind" for most backends) says nothing.
  return rows.filter((row) => row.values.some((v) => v !== "–"));
}
