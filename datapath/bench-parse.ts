/** Readers for what the benchmark tools print, and /proc/stat arithmetic. Pure. */

export interface IperfReading {
  gbitPerSecond: number;
  bytes: number;
  seconds: number;
}

/** iperf3 -J (3.12): end.sum_received is what reached the server, omitted seconds excluded. */
export function parseIperfJson(text: string): IperfReading {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`iperf3 -J output is not JSON (${(err as Error).message}): ${text.slice(0, 120)}`);
  }
  const d = doc as { error?: string; end?: { sum_received?: { bits_per_second?: number; bytes?: number; seconds?: number } } };
  if (typeof d.error === "string") throw new Error(`iperf3: ${d.error}`);
  const sum = d.end?.sum_received;
  if (typeof sum?.bits_per_second !== "number" || typeof sum.bytes !== "number" || typeof sum.seconds !== "number") {
    throw new Error("iperf3 -J output has no end.sum_received {bits_per_second, bytes, seconds}");
  }
  return { gbitPerSecond: sum.bits_per_second / 1e9, bytes: sum.bytes, seconds: sum.seconds };
}

export interface LatencyReading {
  /** Half round trip, as sockperf reports it, in microseconds. */
  p50: number;
  p99: number;
  observations: number;
}

/** sockperf 3.7 ping-pong: "---> percentile 50.000 =   38.735" lines, half-RTT in usec. */
export function parseSockperf(text: string): LatencyReading {
  const clean = text.replace(/\x1b\[[0-9;]*m/g, "");
  const percentile = (p: string) => {
    const m = new RegExp(`percentile ${p.replace(".", "\\.")} =\\s*([0-9.]+)`).exec(clean);
    if (!m) throw new Error(`sockperf output has no "percentile ${p}" line: ${clean.slice(-200)}`);
    return Number(m[1]);
  };
  const obs = /Total (\d+) observations/.exec(clean);
  return { p50: percentile("50.000"), p99: percentile("99.000"), observations: obs ? Number(obs[1]) : 0 };
}

/** Busy jiffies of the aggregate "cpu" line: everything but idle and iowait. */
export function busyJiffies(procStat: string): number {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new Error("/proc/stat has no aggregate 'cpu ' line");
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((a, b) => a + (b ?? 0), 0);
}

/**
 * CPU-seconds per Gbit moved: host-wide busy CPU-seconds per wall second, over Gbit per second.
 * /proc/stat is host-wide (every namespace shares it), so nothing else should run meanwhile.
 */
export function cpuSecondsPerGbit(busyDeltaJiffies: number, hz: number, wallSeconds: number, gbitPerSecond: number): number {
  if (wallSeconds <= 0 || gbitPerSecond <= 0) return Number.NaN;
  return busyDeltaJiffies / hz / wallSeconds / gbitPerSecond;
}
