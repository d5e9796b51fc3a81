/**
 * Datapath benchmark results as data, for the Markdown table here and for a comparison report.
 * One sample = one measured repetition of one metric (perfdash-style labels, research/benchmarks.md
 * §6.10); the summary is medians, min–max and ratios to the node↔node baseline of the same run. Pure.
 */
import type { Backend } from "../backends/types";

/** The pairs the datapath lab measures. */
export const BENCH_PAIRS = ["node-node", "pod-pod-same-node", "pod-pod-cross-node"] as const;
export type BenchPair = (typeof BENCH_PAIRS)[number];
/** Every pair a result can carry: the in-cluster run (perf/) adds pod→ClusterIP across nodes, kube-proxy on the path. */
export const MEASURED_PAIRS = [...BENCH_PAIRS, "pod-clusterip-cross-node"] as const;
export type MeasuredPair = (typeof MEASURED_PAIRS)[number];

/**
 * tcp-1: one iperf3 stream; tcp-4: `-P 4`; tcp-rr: ping-pong on one connection (sockperf, 64-byte
 * messages, in the datapath lab; perf/rr in a cluster); tcp-crr: a new connection per transaction.
 */
export const BENCH_TESTS = ["tcp-1", "tcp-4", "tcp-rr", "tcp-crr"] as const;
export type BenchTest = (typeof BENCH_TESTS)[number];

export const BENCH_METRICS = ["throughput", "cpu-per-gbit", "latency-p50", "latency-p99", "connect-rate"] as const;
export type BenchMetric = (typeof BENCH_METRICS)[number];

export const METRIC_UNIT: Record<BenchMetric, string> = {
  throughput: "Gbit/s",
  "cpu-per-gbit": "CPU-s/Gbit",
  "latency-p50": "us",
  "latency-p99": "us",
  "connect-rate": "conn/s",
};

/** The node↔node baseline runs once per bench run, on the underlay, whichever lab hosts it. */
export const BASELINE = "underlay";
export type BenchSubject = Backend | typeof BASELINE;

export interface BenchSample {
  labels: { backend: BenchSubject; pair: MeasuredPair; test: BenchTest; metric: BenchMetric; rep: number };
  value: number;
  unit: string;
}

export interface BenchSummaryRow {
  backend: BenchSubject;
  pair: MeasuredPair;
  test: BenchTest;
  metric: BenchMetric;
  unit: string;
  median: number;
  min: number;
  max: number;
  reps: number;
  /** median / the baseline's median for the same test and metric; 1 for the baseline itself. */
  ratio: number | null;
  /** (max − min) / median above 15 % (research/benchmarks.md §6.5). */
  noisy: boolean;
}

export interface BenchRun {
  /** Machine fingerprint: CPU model and count, kernel, tool versions. */
  host: Record<string, string>;
  settings: { durationSeconds: number; reps: number; warmup: number; underlayMtu: number };
  /** Backends skipped because the kernel lacks a feature, with the reason. */
  skipped: { backend: Backend; reason: string }[];
  samples: BenchSample[];
  summary: BenchSummaryRow[];
  /** Idle footprint of each kind node container (in-cluster runs only). */
  nodes?: NodeFootprint[];
  /** Runs or steps that failed while the rest went on, one sentence each. */
  problems?: string[];
}

/** One node container at idle, from `docker stats --no-stream`. */
export interface NodeFootprint {
  container: string;
  memoryBytes: number;
  cpuPercent: number;
}

export const NOISY_SPREAD = 0.15;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarizeBench(samples: readonly BenchSample[]): BenchSummaryRow[] {
  const groups = new Map<string, BenchSample[]>();
  for (const s of samples) {
    const key = [s.labels.backend, s.labels.pair, s.labels.test, s.labels.metric].join("|");
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const rows = [...groups.values()].map((group) => {
    const { backend, pair, test, metric } = group[0]!.labels;
    const values = group.map((s) => s.value);
    const m = median(values);
    const min = Math.min(...values);
    const max = Math.max(...values);
    return { backend, pair, test, metric, unit: group[0]!.unit, median: m, min, max, reps: values.length, ratio: null, noisy: (spread({ min, max, median: m, reps: values.length }) ?? 0) > NOISY_SPREAD } as BenchSummaryRow;
  });
  for (const row of rows) {
    const base = rows.find((r) => r.backend === BASELINE && r.test === row.test && r.metric === row.metric);
    row.ratio = base && base.median > 0 ? row.median / base.median : null;
  }
  return rows;
}

export function fmt(value: number, metric: BenchMetric): string {
  if (metric === "connect-rate") return value.toFixed(0);
  return metric === "cpu-per-gbit" ? value.toFixed(3) : value.toFixed(metric === "throughput" ? 2 : 1);
}

/** (max − min) / median of the repetitions; undefined with one repetition (no spread to see) or a zero median. */
export function spread(row: Pick<BenchSummaryRow, "min" | "max" | "median" | "reps">): number | undefined {
  return row.reps > 1 && row.median > 0 ? (row.max - row.min) / row.median : undefined;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(0)} %`;

/**
 * The ratio to node↔node as a figure only when both medians are steady: when either side's
 * repetitions disagree by more than NOISY_SPREAD, the ratio says which side was too noisy instead.
 */
export function ratioCell(row: BenchSummaryRow, summary: readonly BenchSummaryRow[]): string {
  if (row.ratio === null) return "–";
  const base = summary.find((b) => b.backend === BASELINE && b.test === row.test && b.metric === row.metric);
  const noisy = [row, ...(base && base !== row ? [base] : [])].filter((r) => r.noisy);
  if (noisy.length === 0) return row.ratio.toFixed(2);
  const said = noisy.map((r) => `${r === row ? "this" : "node↔node"} spread ${percent(spread(r)!)}`).join(", ");
  return `too noisy (${said} > ${percent(NOISY_SPREAD)})`;
}

/**
 * One row per (subject, pair, test): median with min–max and its spread, the ratio (or why it is
 * withheld), CPU per Gbit; then one line when any ratio was withheld.
 */
export function markdownTable(summary: readonly BenchSummaryRow[]): string {
  const header = "| backend | pair | test | median (min–max) | spread | ratio to node↔node | CPU-s per Gbit | p99 µs |";
  const lines = [header, "|---|---|---|---|---|---|---|---|"];
  const main = summary.filter((r) => r.metric === "throughput" || r.metric === "latency-p50" || r.metric === "connect-rate");
  let withheld = 0;
  for (const r of main) {
    const find = (metric: BenchMetric) => summary.find((o) => o.backend === r.backend && o.pair === r.pair && o.test === r.test && o.metric === metric);
    const cpu = find("cpu-per-gbit");
    const p99 = find("latency-p99");
    const s = spread(r);
    const ratio = ratioCell(r, summary);
    if (ratio.startsWith("too noisy")) withheld++;
    lines.push(
      `| ${r.backend} | ${r.pair} | ${r.test} | ${fmt(r.median, r.metric)} (${fmt(r.min, r.metric)}–${fmt(r.max, r.metric)}) ${r.unit} | ${s === undefined ? `– (${r.reps} rep)` : percent(s)} | ${ratio} | ${cpu ? fmt(cpu.median, "cpu-per-gbit") : "–"} | ${p99 ? fmt(p99.median, "latency-p99") : "–"} |`,
    );
  }
  const note =
    withheld === 0
      ? ""
      : `\n${withheld} of ${main.length} ratios withheld: the repetitions disagree by more than ${percent(NOISY_SPREAD)} (max − min over the median). Rerun on an idle machine, with more --reps or a longer --duration.\n`;
  return `${lines.join("\n")}\n${note}`;
}
