/**
 * Datapath throughput and latency in namespace labs: host-gw, vxlan, udp and macvlan in one run, each
 * against the node↔node baseline measured first (research/benchmarks.md §5–6). Prints the Markdown
 * table and, per backend, the cross-node single-stream ratio. Needs root, iperf3 and sockperf;
 * `npm run bench -- datapath` (flannel-udp also a C compiler for its forwarder). Environment: CNILAB_BENCH_REPS (default 3), CNILAB_BENCH_SECONDS (5).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DEFAULTS, missingTools, runBench } from "../datapath/bench";
import { markdownTable } from "../datapath/results";
import type { BenchRun } from "../datapath/results";
import { LAB_DEFAULTS } from "../datapath/topology";

/** Routes, a kernel overlay, the same overlay idea in user space (seed 004's "udp is slow"), a sub-interface. */
const BACKENDS = ["flannel-host-gw", "flannel-vxlan", "flannel-udp", "macvlan"] as const;

function ratioLine(result: BenchRun, backend: string): string {
  const pick = (test: string, metric: string) =>
    result.summary.find((r) => r.backend === backend && r.pair === "pod-pod-cross-node" && r.test === test && r.metric === metric);
  const one = pick("tcp-1", "throughput");
  const four = pick("tcp-4", "throughput");
  const p50 = pick("tcp-rr", "latency-p50");
  const cpu = pick("tcp-1", "cpu-per-gbit");
  const r = (x: number | null | undefined) => (x == null ? "–" : x.toFixed(2));
  return `${backend.padEnd(16)} cross-node ÷ node↔node: 1 stream ${r(one?.ratio)}, 4 streams ${r(four?.ratio)}, p50 latency ×${r(p50?.ratio)}, CPU per Gbit ×${r(cpu?.ratio)}`;
}

export async function benchDatapath(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stdout.write("datapath bench skipped: needs root (network namespaces)\n");
    return;
  }
  const missing = await missingTools();
  if (missing.length > 0) {
    process.stdout.write(`datapath bench skipped: missing ${missing.join(", ")} (apt-get install -y ${missing.join(" ")})\n`);
    return;
  }
  const state = mkdtempSync(join(tmpdir(), "cnilab-dp-bench-"));
  try {
    const result = await runBench(BACKENDS, {
      lab: LAB_DEFAULTS,
      durationSeconds: Number(process.env.CNILAB_BENCH_SECONDS ?? BENCH_DEFAULTS.durationSeconds),
      reps: Number(process.env.CNILAB_BENCH_REPS ?? BENCH_DEFAULTS.reps),
      warmup: BENCH_DEFAULTS.warmup,
      stateDir: state,
      progress: (line) => process.stderr.write(`  ${line}\n`),
    });
    process.stdout.write(`host: ${Object.entries(result.host).map(([k, v]) => `${k}=${v}`).join(", ")}\n\n`);
    process.stdout.write(markdownTable(result.summary));
    process.stdout.write("\n");
    for (const backend of BACKENDS) process.stdout.write(`${ratioLine(result, backend)}\n`);
    for (const s of result.skipped) process.stdout.write(`skipped ${s.backend}: ${s.reason}\n`);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
