/**
 * The datapath benchmark: for each backend a lab is built, measured and removed, one at a time.
 * The node↔node baseline is measured first, in the first lab, and every other figure is divided by
 * it (research/benchmarks.md §6). iperf3 for throughput, sockperf ping-pong for latency; both are
 * Debian packages (`apt-get install iperf3 sockperf`).
 */
import { readFileSync } from "node:fs";
import { cpus, release } from "node:os";
import type { Backend } from "../backends/types";
import { busyJiffies, cpuSecondsPerGbit, parseIperfJson, parseSockperf } from "./bench-parse";
import { run, runIn, startIn } from "./exec";
import { labDown, labUp } from "./lab";
import { BASELINE, METRIC_UNIT, summarizeBench } from "./results";
import type { BenchMetric, BenchPair, BenchRun, BenchSample, BenchSubject, BenchTest } from "./results";
import type { LabOptions, LabTopology } from "./topology";

export interface BenchOptions {
  lab: LabOptions;
  /** Seconds per measured repetition; @default 5 (quick mode) */
  durationSeconds: number;
  /** Measured repetitions per test; @default 3 (quick mode; 5 for a full run) */
  reps: number;
  /** Discarded runs before measuring; @default 1 */
  warmup: number;
  stateDir: string;
  progress: (line: string) => void;
}

export const BENCH_DEFAULTS = { durationSeconds: 5, reps: 3, warmup: 1 } as const;
export const BENCH_TOOLS = ["iperf3", "sockperf"] as const;

const IPERF_PORT = "5201";
const SOCKPERF_PORT = "11111";

interface Endpoints {
  fromNetns: string;
  toNetns: string;
  to: string;
}

function pairEndpoints(topo: LabTopology, pair: BenchPair): Endpoints {
  const [n1, n2] = [topo.nodes[0]!, topo.nodes[1]!];
  switch (pair) {
    case "node-node":
      return { fromNetns: n1.netns, toNetns: n2.netns, to: n2.address };
    case "pod-pod-same-node":
      return { fromNetns: n1.pods[0]!.netns, toNetns: n1.pods[1]!.netns, to: n1.pods[1]!.address };
    case "pod-pod-cross-node":
      return { fromNetns: n1.pods[0]!.netns, toNetns: n2.pods[0]!.netns, to: n2.pods[0]!.address };
  }
}

/** Names of the tools from BENCH_TOOLS that are not on PATH. */
export async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of BENCH_TOOLS) {
    if ((await run(["sh", "-c", `command -v ${tool}`])).code !== 0) missing.push(tool);
  }
  return missing;
}

export async function runBench(backends: readonly Backend[], options: BenchOptions): Promise<BenchRun> {
  const hz = Number((await run(["getconf", "CLK_TCK"])).stdout.trim()) || 100;
  const samples: BenchSample[] = [];
  const skipped: BenchRun["skipped"] = [];
  let baselineDone = false;
  for (const backend of backends) {
    const up = await labUp(backend, options.lab, options.stateDir);
    if (up.status === "not-available") {
      skipped.push({ backend, reason: `not available here: ${up.reasons.join("; ")}` });
      options.progress(`${backend}: not available here (${up.reasons.join("; ")})`);
      continue;
    }
    try {
      const pairs: [BenchSubject, BenchPair][] = [
        ...(baselineDone ? [] : [[BASELINE, "node-node"] as [BenchSubject, BenchPair]]),
        [backend, "pod-pod-same-node"],
        [backend, "pod-pod-cross-node"],
      ];
      for (const [subject, pair] of pairs) {
        const ends = pairEndpoints(up.plan.topology, pair);
        for (const test of ["tcp-1", "tcp-4", "tcp-rr"] as const) {
          options.progress(`${subject} ${pair} ${test}${subject === BASELINE ? ` (in ${backend}'s lab)` : ""}`);
          samples.push(...(await measure(subject, pair, test, ends, options, hz)));
        }
      }
      baselineDone = true;
    } finally {
      await labDown(backend, options.stateDir);
    }
  }
  return {
    host: await fingerprint(),
    settings: { durationSeconds: options.durationSeconds, reps: options.reps, warmup: options.warmup, underlayMtu: options.lab.underlayMtu },
    skipped,
    samples,
    summary: summarizeBench(samples),
  };
}

async function measure(subject: BenchSubject, pair: BenchPair, test: BenchTest, ends: Endpoints, options: BenchOptions, hz: number): Promise<BenchSample[]> {
  const samples: BenchSample[] = [];
  const sample = (metric: BenchMetric, rep: number, value: number) =>
    samples.push({ labels: { backend: subject, pair, test, metric, rep }, value, unit: METRIC_UNIT[metric] });
  for (let i = 0; i < options.warmup + options.reps; i++) {
    const rep = i - options.warmup + 1;
    // Warm-up runs are shorter: they only need to fill caches and settle the neighbour entries.
    const seconds = rep < 1 ? Math.min(2, options.durationSeconds) : options.durationSeconds;
    if (test === "tcp-rr") {
      const r = await sockperf(ends, seconds);
      if (rep >= 1) {
        sample("latency-p50", rep, r.p50);
        sample("latency-p99", rep, r.p99);
      }
    } else {
      const r = await iperf(ends, seconds, test === "tcp-4" ? 4 : 1, hz);
      if (rep >= 1) {
        sample("throughput", rep, r.gbitPerSecond);
        sample("cpu-per-gbit", rep, r.cpuPerGbit);
      }
    }
  }
  return samples;
}

/** iperf3 3.12 now and then never finishes a run (the client waits for results the server never sends). */
const IPERF_TRIES = 3;

async function iperf(ends: Endpoints, seconds: number, streams: number, hz: number): Promise<{ gbitPerSecond: number; cpuPerGbit: number }> {
  for (let attempt = 1; ; attempt++) {
    const server = startIn(ends.toNetns, ["iperf3", "-s", "-1", "-p", IPERF_PORT, "--forceflush"]);
    try {
      await server.waitFor("Server listening", 5000);
      const before = busyJiffies(readFileSync("/proc/stat", "utf8"));
      const started = process.hrtime.bigint();
      const argv = ["iperf3", "-c", ends.to, "-p", IPERF_PORT, "-t", String(seconds), "-O", "1", "-J", "-P", String(streams), "--connect-timeout", "3000"];
      const out = await runIn(ends.fromNetns, argv, (seconds + 15) * 1000);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const after = busyJiffies(readFileSync("/proc/stat", "utf8"));
      if (out.code !== 0 && attempt < IPERF_TRIES) continue;
      if (out.code !== 0) {
        throw new Error(`iperf3 to ${ends.to} failed ${IPERF_TRIES} times, last exit ${out.code}: ${out.stderr.trim()} ${out.stdout.slice(-300)}`);
      }
      const reading = parseIperfJson(out.stdout);
      return { gbitPerSecond: reading.gbitPerSecond, cpuPerGbit: cpuSecondsPerGbit(after - before, hz, wall, reading.gbitPerSecond) };
    } finally {
      await server.stop();
    }
  }
}

async function sockperf(ends: Endpoints, seconds: number) {
  const server = startIn(ends.toNetns, ["sockperf", "sr", "--tcp", "-i", ends.to, "-p", SOCKPERF_PORT]);
  try {
    // sockperf's server buffers its banner when piped; the client retries instead of waiting on it.
    for (let attempt = 1; ; attempt++) {
      await new Promise((r) => setTimeout(r, 300 * attempt));
      const out = await runIn(ends.fromNetns, ["sockperf", "pp", "--tcp", "-i", ends.to, "-p", SOCKPERF_PORT, "-t", String(seconds), "-m", "64"], (seconds + 30) * 1000);
      if (out.code === 0) return parseSockperf(out.stdout + out.stderr);
      if (attempt >= 3) throw new Error(`sockperf pp to ${ends.to} failed (exit ${out.code}): ${(out.stdout + out.stderr).trim().slice(-300)}`);
    }
  } finally {
    await server.stop();
  }
}

async function fingerprint(): Promise<Record<string, string>> {
  const iperfVersion = (await run(["iperf3", "--version"])).stdout.split("\n")[0]?.trim() ?? "";
  const sockperfVersion = ((await run(["sockperf", "--version"])).stdout.match(/version\s+(\S+)/) ?? [])[1] ?? "";
  return { cpu: cpus()[0]?.model ?? "unknown", cpus: String(cpus().length), kernel: release(), iperf3: iperfVersion, sockperf: sockperfVersion, node: process.version };
}
