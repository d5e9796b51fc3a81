/**
 * Chart.js configurations for the HTML report, as data (chart.js 4.6 `type`/`data`/`options`
 * shapes). Only charts with something to show are returned. Pure.
 */
import { MEASURED_PAIRS, type BenchMetric, type BenchTest, type MeasuredPair } from "../datapath/results";
import type { Comparison } from "./model";

export interface ChartSpec {
  id: string;
  title: string;
  /** What to read from it, under the chart. */
  note: string;
  config: {
    type: "bar";
    data: { labels: string[]; datasets: { label: string; data: (number | null)[]; backgroundColor: string; stack?: string }[] };
    options: Record<string, unknown>;
  };
}

/** Colour-blind-safe palette (Okabe–Ito), one per stack. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
export const colour = (i: number) => PALETTE[i % PALETTE.length]!;

function options(yTitle: string, stacked = false): Record<string, unknown> {
  return {
    // No animation: the page is read (and screenshotted) as it is first drawn.
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { position: "bottom" } },
    scales: { x: { stacked }, y: { stacked, beginAtZero: true, title: { display: true, text: yTitle } } },
  };
}

function perPair(c: Comparison, test: BenchTest, metric: BenchMetric, pick: (cell: NonNullable<Comparison["performance"][number]["cells"][number]>) => number | null) {
  const pairs = MEASURED_PAIRS.filter((p) => c.performance.some((r) => r.pair === p && r.test === test && r.metric === metric));
  const datasets = c.stacks.map((s, i) => ({
    label: s.stack,
    backgroundColor: colour(i),
    data: pairs.map((p: MeasuredPair) => {
      const cell = c.performance.find((r) => r.pair === p && r.test === test && r.metric === metric)?.cells[i];
      return cell ? pick(cell) : null;
    }),
  }));
  // A stack without this measurement gets no (empty) legend entry; colours stay tied to the stack.
  return { labels: pairs as string[], datasets: datasets.filter((d) => d.data.some((v) => v !== null)) };
}

const hasData = (spec: ChartSpec) => spec.config.data.labels.length > 0 && spec.config.data.datasets.some((d) => d.data.some((v) => v !== null));

/** The per-pair charts: id, title, what to read, which test and metric, median or ratio, y-axis title. */
const PAIR_CHARTS: readonly [string, string, string, BenchTest, BenchMetric, "median" | "ratio", string][] = [
  ["ratio-tcp-1", "Throughput as a ratio of node↔node (TCP, one stream)", "1.0 is the hostNetwork baseline of the same run; lower means the datapath costs more. A ratio too noisy to state (repetitions 15 % apart) has no bar.", "tcp-1", "throughput", "ratio", "× node↔node"],
  ["throughput-tcp-1", "Throughput, median Gbit/s (TCP, one stream)", "Absolute figures of this machine only: compare bars within a stack, not across machines.", "tcp-1", "throughput", "median", "Gbit/s"],
  ["cpu-tcp-1", "Host CPU-seconds per Gbit (TCP, one stream)", "What each Gbit costs the whole machine; encapsulation shows up here first.", "tcp-1", "cpu-per-gbit", "median", "CPU-s per Gbit"],
  ["latency-rr", "Request/response latency p50, µs (half round trip)", "One-byte ping-pong on one connection.", "tcp-rr", "latency-p50", "median", "µs"],
  ["latency-rr-p99", "Request/response latency p99, µs (half round trip)", "The tail: where conntrack, policy and encapsulation add jitter.", "tcp-rr", "latency-p99", "median", "µs"],
  ["connect-rate", "Connection setup rate, connections/s", "A new TCP connection per transaction: conntrack, NAT and policy cost.", "tcp-crr", "connect-rate", "median", "connections/s"],
];

export function buildCharts(c: Comparison): ChartSpec[] {
  const specs: ChartSpec[] = PAIR_CHARTS.map(([id, title, note, test, metric, value, yTitle]) => ({
    id,
    title,
    note,
        // A withheld ratio (too noisy, report/model.ts) is no bar: the chart shows only ratios the table states.
    config: { type: "bar", data: perPair(c, test, metric, (x) => (value === "ratio" && x.withheld ? null : x[value])), options: options(yTitle) },
  }));
  const roles = [...new Set(c.stacks.flatMap((s) => (s.footprint ?? []).map((n) => n.container.replace(/^.*-(control-plane|worker\d*)$/, "$1"))))];
  specs.push({
    id: "idle-memory",
    title: "Idle memory per node container, MiB",
    note: "docker stats before the measurement: Kubernetes, the CNI and everything else on the node.",
    config: {
      type: "bar",
      data: {
        labels: roles,
        datasets: c.stacks
          .map((s, i) => ({
            label: s.stack,
            backgroundColor: colour(i),
            data: roles.map((role) => {
              const n = s.footprint?.find((f) => f.container.endsWith(`-${role}`) || f.container === role);
              return n ? Math.round(n.memoryBytes / 1024 / 1024) : null;
            }),
          }))
          .filter((d) => d.data.some((v) => v !== null)),
      },
      options: options("MiB"),
    },
  });
  const verified = c.stacks.filter((s) => s.verifyCounts);
  const counts = (key: "pass" | "mismatch" | "error", label: string, colourHex: string) => ({
    label,
    backgroundColor: colourHex,
    stack: "probes",
    data: verified.map((s) => s.verifyCounts![key]),
  });
  specs.push({
    id: "verify",
    title: "Probes per stack: as expected, mismatched, errors",
    note: "Expected outcomes differ per backend (enforcement, limitations); a mismatch is explained in `cnilab verify`.",
    config: {
      type: "bar",
      data: { labels: verified.map((s) => s.stack), datasets: [counts("pass", "as expected", "#009E73"), counts("mismatch", "mismatched", "#D55E00"), counts("error", "errors", "#999999")] },
      options: options("probes", true),
    },
  });
  return specs.filter(hasData);
}
