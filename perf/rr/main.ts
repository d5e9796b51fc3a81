/**
 * cnilab-rr: TCP request/response latency and connection-setup rate, the two netperf tests
 * (TCP_RR, TCP_CRR) research/benchmarks.md §6.4 asks for, in Node builtins only so that it runs from
 * a ConfigMap in the pinned Node image, like the probe (perf/rr-bundle.ts bundles it).
 *
 *   node rr.js serve  --rr-port 5300 --crr-port 5301
 *   node rr.js client --to 10.244.2.5 --rr-port 5300 --crr-port 5301 --tests tcp-rr,tcp-crr
 *                     --seconds 10 --reps 3 --warmup 1
 *
 * One JSON line per repetition (perf/parse.ts reads them). Latency is half the round trip, as
 * sockperf reports it, so the datapath lab's and the cluster's figures mean the same thing. Node's
 * event loop adds a constant few tens of microseconds to every transaction on every path; ratios to
 * the node↔node baseline of the same run are what to read.
 */
import { createServer, connect, type Socket } from "node:net";
import { parseArgs } from "node:util";

const TOOL = "cnilab-rr";
/** Bounds the samples kept per repetition (memory); at ~30 µs per transaction 10 s is ~300k. */
const MAX_SAMPLES = 2_000_000;
const CONNECT_TIMEOUT_MS = 3000;

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ tool: TOOL, ...record })}\n`);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Half round trips in µs, sorted, with p50/p99. */
function latencies(rttNs: Float64Array, count: number): { p50Us: number; p99Us: number } {
  const sorted = rttNs.slice(0, count).sort();
  return { p50Us: percentile(sorted, 50) / 2000, p99Us: percentile(sorted, 99) / 2000 };
}

function serve(rrPort: number, crrPort: number): void {
  // Ping-pong: every byte that arrives is answered with one byte, on the same connection.
  const rr = createServer((s) => {
    s.setNoDelay(true);
    s.on("data", (chunk) => s.write(chunk.subarray(0, chunk.length)));
    s.on("error", () => s.destroy());
  });
  // Connection per transaction: answer, then close first, so TIME_WAIT lands on the server and the
  // client's ephemeral ports never run out during a long run.
  const crr = createServer((s) => {
    s.setNoDelay(true);
    s.once("data", (chunk) => s.end(chunk.subarray(0, 1)));
    s.on("error", () => s.destroy());
  });
  rr.listen(rrPort, "0.0.0.0", () => crr.listen(crrPort, "0.0.0.0", () => process.stdout.write(`${TOOL} serving rr ${rrPort} crr ${crrPort}\n`)));
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect to ${host}:${port} timed out after ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** One byte out, one byte back, as fast as the path allows, for `seconds`. */
async function rrRun(host: string, port: number, seconds: number) {
  const s = await open(host, port);
  const rtt = new Float64Array(MAX_SAMPLES);
  let count = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  await new Promise<void>((resolve, reject) => {
    let sent = process.hrtime.bigint();
    const ping = () => {
      sent = process.hrtime.bigint();
      s.write("x");
    };
    s.on("data", () => {
      const now = process.hrtime.bigint();
      if (count < MAX_SAMPLES) rtt[count++] = Number(now - sent);
      if (now >= deadline || count >= MAX_SAMPLES) resolve();
      else ping();
    });
    s.once("error", reject);
    s.once("close", () => reject(new Error("server closed the connection")));
    ping();
  }).finally(() => s.destroy());
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds: elapsed, transactions: count, ...latencies(rtt, count) };
}

/** connect, one byte each way, server closes; sequentially, for `seconds`. */
async function crrRun(host: string, port: number, seconds: number) {
  const times = new Float64Array(MAX_SAMPLES);
  let count = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline && count < MAX_SAMPLES) {
    const t0 = process.hrtime.bigint();
    const s = await open(host, port);
    await new Promise<void>((resolve, reject) => {
      s.once("data", () => resolve());
      s.once("error", reject);
      s.write("x");
    }).finally(() => s.destroy());
    times[count++] = Number(process.hrtime.bigint() - t0);
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds: elapsed, connections: count, ratePerSecond: count / elapsed, ...latencies(times, count) };
}

async function client(values: Record<string, string | undefined>): Promise<number> {
  const to = values.to;
  if (!to) throw new Error("client needs --to <address>");
  const tests = (values.tests ?? "tcp-rr").split(",");
  const seconds = Number(values.seconds ?? "10");
  const reps = Number(values.reps ?? "3");
  const warmup = Number(values.warmup ?? "1");
  let failed = 0;
  for (const test of tests) {
    if (test !== "tcp-rr" && test !== "tcp-crr") throw new Error(`unknown test '${test}' (tcp-rr, tcp-crr)`);
    const port = Number(test === "tcp-rr" ? values["rr-port"] : values["crr-port"]);
    for (let i = 0; i < warmup + reps; i++) {
      const rep = i - warmup + 1;
      // Warm-ups are short: they settle ARP/neighbour entries, conntrack and caches.
      const run = rep < 1 ? Math.min(2, seconds) : seconds;
      try {
        const result = test === "tcp-rr" ? await rrRun(to, port, run) : await crrRun(to, port, run);
        emit({ test, rep, ...result });
      } catch (err) {
        failed++;
        emit({ test, rep, error: (err as Error).message });
      }
    }
  }
  emit({ done: true, failed });
  return failed === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: "string" },
      "rr-port": { type: "string", default: "5300" },
      "crr-port": { type: "string", default: "5301" },
      tests: { type: "string" },
      seconds: { type: "string" },
      reps: { type: "string" },
      warmup: { type: "string" },
    },
  });
  const mode = positionals[0];
  if (mode === "serve") {
    serve(Number(values["rr-port"]), Number(values["crr-port"]));
    return new Promise(() => undefined);
  }
  if (mode === "client") return client(values);
  throw new Error(`usage: rr.js serve|client … (got '${mode ?? ""}')`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${TOOL}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
