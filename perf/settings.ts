/**
 * What one in-cluster measurement run does (research/benchmarks.md §6): pairs in order, tests per
 * pair, warm-up then repetitions. Quick mode is the workshop step of §6.9 (pairs a–c, TCP one stream
 * and request/response, 3 × 10 s, about 3 minutes); full mode is §6.4–6.5.
 */
import type { BenchTest, MeasuredPair } from "../datapath/results";

export const PERF_MODES = ["quick", "full"] as const;
export type PerfMode = (typeof PERF_MODES)[number];

export type IperfTest = Extract<BenchTest, "tcp-1" | "tcp-4">;
export type RrTest = Extract<BenchTest, "tcp-rr" | "tcp-crr">;

export interface PerfSettings {
  mode: PerfMode;
  /** Seconds per measured repetition. */
  durationSeconds: number;
  reps: number;
  /** Discarded runs before the measured ones (2 s each). */
  warmup: number;
  /** iperf3 -O: seconds of TCP slow start left out of each measurement. */
  omitSeconds: number;
  pairs: readonly MeasuredPair[];
  iperfTests: readonly IperfTest[];
  rrTests: readonly RrTest[];
}

export const PERF_SETTINGS: Record<PerfMode, PerfSettings> = {
  quick: {
    mode: "quick",
    durationSeconds: 10,
    reps: 3,
    warmup: 1,
    omitSeconds: 1,
    pairs: ["node-node", "pod-pod-same-node", "pod-pod-cross-node"],
    iperfTests: ["tcp-1"],
    rrTests: ["tcp-rr"],
  },
  full: {
    mode: "full",
    durationSeconds: 20,
    reps: 5,
    warmup: 1,
    omitSeconds: 2,
    pairs: ["node-node", "pod-pod-same-node", "pod-pod-cross-node", "pod-clusterip-cross-node"],
    iperfTests: ["tcp-1", "tcp-4"],
    rrTests: ["tcp-rr", "tcp-crr"],
  },
};

export const PERF_PORTS = { iperf: 5201, rr: 5300, crr: 5301 } as const;

/** Streams per iperf3 test. */
export const STREAMS: Record<IperfTest, number> = { "tcp-1": 1, "tcp-4": 4 };

/** A warm-up run's length: long enough to settle neighbour entries, conntrack and caches. */
export function runSeconds(settings: PerfSettings, rep: number): number {
  return rep < 1 ? Math.min(2, settings.durationSeconds) : settings.durationSeconds;
}

/** Upper bound of one pair's client Job, for its activeDeadlineSeconds and our wait. */
export function pairBudgetSeconds(settings: PerfSettings): number {
  const tests = settings.iperfTests.length + settings.rrTests.length;
  const perTest = settings.warmup * runSeconds(settings, 0) + settings.reps * (settings.durationSeconds + settings.omitSeconds);
  // Per run: connection setup, iperf3's result exchange, process start — a few seconds at most.
  return tests * (perTest + 5 * (settings.warmup + settings.reps)) + 60;
}
