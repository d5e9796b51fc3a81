import { describe, expect, it } from "vitest";
import { busyJiffies, cpuSecondsPerGbit, parseIperfJson, parseSockperf } from "../../datapath/bench-parse";
import { sideBySide } from "../../datapath/explain";
import { markdownTable, median, summarizeBench } from "../../datapath/results";
import type { BenchSample } from "../../datapath/results";

const sample = (backend: BenchSample["labels"]["backend"], pair: BenchSample["labels"]["pair"], rep: number, value: number): BenchSample => ({
  labels: { backend, pair, test: "tcp-1", metric: "throughput", rep },
  value,
  unit: "Gbit/s",
});

/** Three steady underlay repetitions (spread (22 − 20) / 21 = 10 %) and three vxlan ones that disagree ((14.7 − 12) / 12.6 = 21 %). */
const steadyUnderlayNoisyVxlan = (): BenchSample[] => [
  sample("underlay", "node-node", 1, 20),
  sample("underlay", "node-node", 2, 22),
  sample("underlay", "node-node", 3, 21),
  sample("flannel-vxlan", "pod-pod-cross-node", 1, 12),
  sample("flannel-vxlan", "pod-pod-cross-node", 2, 14.7),
  sample("flannel-vxlan", "pod-pod-cross-node", 3, 12.6),
];

describe("bench results", () => {
  it("takes medians of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow("median of no values");
  });

  it("summarizes per subject with min–max, ratio to the underlay baseline and a noisy flag over 15 %", () => {
    const rows = summarizeBench(steadyUnderlayNoisyVxlan());
    expect(rows).toEqual([
      { backend: "underlay", pair: "node-node", test: "tcp-1", metric: "throughput", unit: "Gbit/s", median: 21, min: 20, max: 22, reps: 3, ratio: 1, noisy: false },
      { backend: "flannel-vxlan", pair: "pod-pod-cross-node", test: "tcp-1", metric: "throughput", unit: "Gbit/s", median: 12.6, min: 12, max: 14.7, reps: 3, ratio: 0.6, noisy: true },
    ]);
  });

  it("leaves the ratio empty without a baseline for that test", () => {
    expect(summarizeBench([sample("macvlan", "pod-pod-same-node", 1, 30)])[0]!.ratio).toBeNull();
  });

  it("prints one Markdown row per subject and pair, with ratio and CPU per Gbit", () => {
    const rows = summarizeBench([
      sample("underlay", "node-node", 1, 20),
      { labels: { backend: "underlay", pair: "node-node", test: "tcp-1", metric: "cpu-per-gbit", rep: 1 }, value: 0.0791, unit: "CPU-s/Gbit" },
      sample("flannel-host-gw", "pod-pod-cross-node", 1, 18),
    ]);
    expect(markdownTable(rows).split("\n")).toEqual([
      "| backend | pair | test | median (min–max) | spread | ratio to node↔node | CPU-s per Gbit | p99 µs |",
      "|---|---|---|---|---|---|---|---|",
      "| underlay | node-node | tcp-1 | 20.00 (20.00–20.00) Gbit/s | – (1 rep) | 1.00 | 0.079 | – |",
      "| flannel-host-gw | pod-pod-cross-node | tcp-1 | 18.00 (18.00–18.00) Gbit/s | – (1 rep) | 0.90 | – | – |",
      "",
    ]);
  });

  it("prints each spread, and withholds a ratio whose side disagrees across repetitions by more than 15 %", () => {
    // vxlan: (14.7 − 12) / 12.6 = 21 %; the baseline (22 − 20) / 21 = 10 % is steady.
    const vxlanNoisy = summarizeBench(steadyUnderlayNoisyVxlan());
    expect(markdownTable(vxlanNoisy).split("\n").slice(2)).toEqual([
      "| underlay | node-node | tcp-1 | 21.00 (20.00–22.00) Gbit/s | 10 % | 1.00 | – | – |",
      "| flannel-vxlan | pod-pod-cross-node | tcp-1 | 12.60 (12.00–14.70) Gbit/s | 21 % | too noisy (this spread 21 % > 15 %) | – | – |",
      "",
      "1 of 2 ratios withheld: the repetitions disagree by more than 15 % (max − min over the median). Rerun on an idle machine, with more --reps or a longer --duration.",
      "",
    ]);
    // A noisy baseline makes every ratio to it unreliable: (22 − 18) / 20 = 20 %.
    const baselineNoisy = summarizeBench([
      sample("underlay", "node-node", 1, 18),
      sample("underlay", "node-node", 2, 22),
      sample("underlay", "node-node", 3, 20),
      sample("flannel-host-gw", "pod-pod-cross-node", 1, 18),
      sample("flannel-host-gw", "pod-pod-cross-node", 2, 18.5),
      sample("flannel-host-gw", "pod-pod-cross-node", 3, 18.2),
    ]);
    expect(markdownTable(baselineNoisy)).toContain("| flannel-host-gw | pod-pod-cross-node | tcp-1 | 18.20 (18.00–18.50) Gbit/s | 3 % | too noisy (node↔node spread 20 % > 15 %) | – | – |\n");
    expect(markdownTable(baselineNoisy)).toContain("\n2 of 2 ratios withheld:");
  });
});

describe("tool output readers", () => {
  it("reads iperf3 -J's received sum", () => {
    const json = JSON.stringify({ end: { sum_received: { bits_per_second: 21995647035.66, bytes: 2751135797, seconds: 1.0006 } } });
    expect(parseIperfJson(json)).toEqual({ gbitPerSecond: 21.99564703566, bytes: 2751135797, seconds: 1.0006 });
    expect(() => parseIperfJson(JSON.stringify({ error: "unable to connect to server: Connection refused" }))).toThrow(
      "iperf3: unable to connect to server: Connection refused",
    );
    expect(() => parseIperfJson("iperf3: error")).toThrow("iperf3 -J output is not JSON");
  });

  it("reads sockperf's percentiles through its colour codes", () => {
    const text = [
      "sockperf: \x1b[2;35m====> avg-latency=36.929 (std-dev=22.326)\x1b[0m",
      "sockperf: \x1b[2;35mTotal 20974 observations\x1b[0m; each percentile contains 209.74 observations",
      "sockperf: ---> percentile 99.000 =   69.721",
      "sockperf: ---> percentile 90.000 =   44.472",
      "sockperf: ---> percentile 50.000 =   38.735",
    ].join("\n");
    expect(parseSockperf(text)).toEqual({ p50: 38.735, p99: 69.721, observations: 20974 });
    expect(() => parseSockperf("sockperf: connection refused")).toThrow('no "percentile 50.000" line');
  });

  it("counts busy jiffies without idle and iowait, and turns them into CPU-seconds per Gbit", () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(busyJiffies("cpu  100 5 50 1000 30 2 3 1 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")).toBe(161);
    // 170 jiffies at 100 Hz over 1 s = 1.7 CPU-s/s, moving 20 Gbit/s → 0.085 CPU-s per Gbit.
    expect(cpuSecondsPerGbit(170, 100, 1, 20)).toBeCloseTo(0.085, 10);
    expect(cpuSecondsPerGbit(170, 100, 1, 0)).toBeNaN();
  });
});

describe("explain side by side", () => {
  it("aligns sections by key, leaves a missing one blank and wraps long lines", () => {
    const text = sideBySide(
      [
        { title: "a", sections: [{ key: "route", lines: ["r1", "r2"] }, { key: "fdb", lines: ["f1"] }] },
        { title: "b", sections: [{ key: "route", lines: ["x".repeat(35)] }] },
      ],
      63,
    );
    expect(text.split("\n")).toEqual([
      "== a                           │ == b",
      "r1                             │ xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "r2                             │   xxxxxxx",
      "                               │",
      "f1                             │",
      "                               │",
    ]);
  });
});
