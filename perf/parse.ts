/**
 * Reads the client Jobs' logs back into samples: the iperf3 script's framed runs (perf/script.ts)
 * and cnilab-rr's JSON lines (perf/rr/main.ts). A run that failed, never ended or cannot be read is a
 * named problem, never a silent zero. Pure.
 */
import { busyJiffies, cpuSecondsPerGbit, parseIperfJson } from "../datapath/bench-parse";
import { METRIC_UNIT, type BenchMetric, type BenchSample, type BenchSubject, type MeasuredPair } from "../datapath/results";
import { MARKER } from "./script";
import type { IperfTest, RrTest } from "./settings";

/** /proc/stat counts in USER_HZ, which Linux fixes at 100 on every architecture kind runs on. */
export const USER_HZ = 100;

export interface IperfRun {
  test: IperfTest;
  rep: number;
  gbitPerSecond: number;
  /** Host-wide busy CPU-seconds per Gbit moved (NaN when the run moved nothing). */
  cpuPerGbit: number;
}

export interface ParsedLog<Run> {
  runs: Run[];
  /** One sentence per run that failed or could not be read. */
  problems: string[];
}

export interface IperfLog extends ParsedLog<IperfRun> {
  /** eth0's MTU in the client's network namespace (the pod's, or the node's for hostNetwork). */
  mtu?: number;
}

interface OpenRun {
  test: string;
  rep: number;
  stats: string[];
  uptimes: number[];
  body: string[];
}

const IPERF_TESTS: readonly string[] = ["tcp-1", "tcp-4"];

function closeRun(run: OpenRun, exit: string, out: IperfLog): void {
  const name = `${run.test} rep ${run.rep}`;
  if (!IPERF_TESTS.includes(run.test)) return void out.problems.push(`${name}: unknown test '${run.test}'`);
  let reading;
  try {
    reading = parseIperfJson(run.body.join("\n"));
  } catch (err) {
    return void out.problems.push(`${name}: ${(err as Error).message} (exit ${exit})`);
  }
  if (run.stats.length !== 2 || run.uptimes.length !== 2) return void out.problems.push(`${name}: /proc/stat or /proc/uptime snapshots missing`);
  const busy = busyJiffies(run.stats[1]!) - busyJiffies(run.stats[0]!);
  const wall = run.uptimes[1]! - run.uptimes[0]!;
  out.runs.push({ test: run.test as IperfTest, rep: run.rep, gbitPerSecond: reading.gbitPerSecond, cpuPerGbit: cpuSecondsPerGbit(busy, USER_HZ, wall, reading.gbitPerSecond) });
}

export function parseIperfLog(text: string): IperfLog {
  const out: IperfLog = { runs: [], problems: [] };
  let open: OpenRun | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(MARKER)) {
      open?.body.push(line);
      continue;
    }
    const [kind = "", ...rest] = line.slice(MARKER.length).trim().split(/\s+/);
    if (kind === "mtu") {
      const mtu = Number(rest[0]);
      if (Number.isInteger(mtu) && mtu > 0) out.mtu = mtu;
    } else if (kind === "begin") {
      if (open) out.problems.push(`${open.test} rep ${open.rep}: no end marker before the next run began`);
      open = { test: rest[0] ?? "", rep: Number(rest[1]), stats: [], uptimes: [], body: [] };
    } else if (kind === "stat" && open) {
      open.stats.push(rest.join(" "));
    } else if (kind === "uptime" && open) {
      open.uptimes.push(Number(rest[0]));
    } else if (kind === "end" && open) {
      closeRun(open, rest[2] ?? "?", out);
      open = undefined;
    }
  }
  if (open) out.problems.push(`${open.test} rep ${open.rep}: the log ends inside the run (was the pod stopped?)`);
  return out;
}

export interface RrRun {
  test: RrTest;
  rep: number;
  /** Half round trip (tcp-rr) or half of connect + transaction (tcp-crr), µs. */
  p50Us: number;
  p99Us: number;
  /** tcp-crr only: connections opened and answered per second. */
  connectRate?: number;
}

export interface RrLog extends ParsedLog<RrRun> {
  /** The tool printed its final line: nothing was cut off. */
  done: boolean;
}

export function parseRrLog(text: string): RrLog {
  const out: RrLog = { runs: [], problems: [], done: false };
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      out.problems.push(`unreadable line: ${line.slice(0, 120)}`);
      continue;
    }
    if (r.tool !== "cnilab-rr") continue;
    if (r.done === true) {
      out.done = true;
      continue;
    }
    const name = `${String(r.test)} rep ${String(r.rep)}`;
    if (typeof r.error === "string") {
      out.problems.push(`${name}: ${r.error}`);
      continue;
    }
    if ((r.test !== "tcp-rr" && r.test !== "tcp-crr") || typeof r.rep !== "number" || typeof r.p50Us !== "number" || typeof r.p99Us !== "number") {
      out.problems.push(`${name}: missing test, rep, p50Us or p99Us`);
      continue;
    }
    const rate = r.test === "tcp-crr" ? r.ratePerSecond : undefined;
    if (r.test === "tcp-crr" && typeof rate !== "number") {
      out.problems.push(`${name}: tcp-crr without ratePerSecond`);
      continue;
    }
    out.runs.push({ test: r.test, rep: r.rep, p50Us: r.p50Us, p99Us: r.p99Us, ...(typeof rate === "number" ? { connectRate: rate } : {}) });
  }
  if (!out.done) out.problems.push("cnilab-rr's log ends before its final line (was the pod stopped?)");
  return out;
}

/** The measured (rep ≥ 1) runs of one pair as samples; warm-ups are dropped here. */
export function pairSamples(subject: BenchSubject, pair: MeasuredPair, iperf: IperfLog, rr: RrLog): BenchSample[] {
  const samples: BenchSample[] = [];
  const add = (test: IperfTest | RrTest, metric: BenchMetric, rep: number, value: number) => {
    if (Number.isFinite(value)) samples.push({ labels: { backend: subject, pair, test, metric, rep }, value, unit: METRIC_UNIT[metric] });
  };
  for (const r of iperf.runs.filter((r) => r.rep >= 1)) {
    add(r.test, "throughput", r.rep, r.gbitPerSecond);
    add(r.test, "cpu-per-gbit", r.rep, r.cpuPerGbit);
  }
  for (const r of rr.runs.filter((r) => r.rep >= 1)) {
    add(r.test, "latency-p50", r.rep, r.p50Us);
    add(r.test, "latency-p99", r.rep, r.p99Us);
    if (r.connectRate !== undefined) add(r.test, "connect-rate", r.rep, r.connectRate);
  }
  return samples;
}
