import { parseCommandArgs } from "./args";
import { exitCode } from "./exit";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { markdownTable } from "../datapath/results";
import { stateDir, STATE_DIR_HELP } from "../host/state";
import { planNodes } from "../plan/nodes";
import { hostTools } from "../perf/host";
import { runPerf } from "../perf/run";
import { PERF_SETTINGS } from "../perf/settings";
import { saveFacts, savePerfRun } from "../report/results-store";
import type { Command, Io } from "./command";
import { UsageError } from "./command";
import { InputError } from "../input/error";
import { loadClusterSpec, PROJECT_ROOT, resolveStack } from "./stack-arg";
import { systemHost } from "../host/host";
import { locateTool } from "../host/tools";

const q = PERF_SETTINGS.quick;
const f = PERF_SETTINGS.full;

const HELP = `Usage: cnilab perf <stack> [--quick] [--kubeconfig FILE] [--timeout SECONDS]

Measures the running lab of <stack> from inside the cluster, with pods
pinned to nodes: node↔node over hostNetwork (the baseline), pod→pod on one node, pod→pod across
nodes, pod→ClusterIP across nodes. iperf3 TCP with 1 and 4 streams, request/response latency
(p50/p99) and connection setup rate (cnilab-rr), a warm-up then repetitions; medians with min–max,
ratio to the baseline, CPU-seconds per Gbit, idle memory per node container, and a fingerprint.

Inside kind every "cross-node" path is one kernel: absolute Gbit/s mean little, ratios within one
run do. CPU comes from /proc/stat, which is the whole host's in every kind node: keep the machine
otherwise idle while it runs.

Writes <state>/results/<stack>/perf.json and facts.json for 'cnilab compare'
(<state> is ${STATE_DIR_HELP}). Exit 0 when every run worked, 1 when some failed
(the rest is saved), 2 when the cluster is not reachable or the stack cannot be measured.

Options:
  --quick            workshop mode: ${q.pairs.length} pairs, ${[...q.iperfTests, ...q.rrTests].join(" + ")}, ${q.reps} × ${q.durationSeconds} s (about 4 minutes)
                     (default: ${f.pairs.length} pairs, ${[...f.iperfTests, ...f.rrTests].join(", ")}, ${f.reps} × ${f.durationSeconds} s, about 30 minutes)
  --kubeconfig FILE  the cluster's kubeconfig (default: \`kind get kubeconfig --name <cluster>\`)
  --timeout SECONDS  bound on the servers becoming Ready, image pulls included (default 300)

Example:
  cnilab up flannel-vxlan && cnilab perf flannel-vxlan --quick`;

export const perfCommand: Command = {
  name: "perf",
  summary: "measure a running lab from inside the cluster: throughput, latency, connection rate, CPU, memory",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      options: { quick: { type: "boolean", default: false }, kubeconfig: { type: "string" }, timeout: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError(`expected exactly one <stack>, got ${positionals.length}`);
    const timeout = values.timeout ?? "300";
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1) throw new UsageError(`--timeout must be a positive number of seconds, got "${timeout}"`);
    const ref = resolveStack(positionals[0], PROJECT_ROOT, io.cwd);
    const spec = await loadClusterSpec(ref, "perf");
    const s = spec.stack;
    if (s.workers < 2) {
      const message = "the measurement needs 2 workers (a same-node and a cross-node pair): set cnilab:workers to 2";
      throw new InputError([{ source: ref.source, path: "cnilab:workers", message, value: String(s.workers) }]);
    }
    // kind as every command finds it (the tools folder included), handed on the way `up` hands it to the program.
    const kind = await locateTool(systemHost(io.env, io.cwd), "kind");
    const host = hostTools(kind.use ? { ...io.env, CNILAB_KIND: kind.use.path } : io.env);
    const kubeconfig = await readKubeconfig(values.kubeconfig, s.clusterName, io, host.kubeconfig);
    if (kubeconfig === undefined) return exitCode("not-up");
    const workers = planNodes(s.clusterName, s.workers).filter((n) => n.role === "worker");
    const settings = values.quick ? PERF_SETTINGS.quick : PERF_SETTINGS.full;
    let result;
    try {
      result = await runPerf({
        kubeconfig,
        stack: ref.name,
        backend: s.backend,
        clusterName: s.clusterName,
        nodes: { client: workers[0]!.name, server: workers[1]!.name },
        settings,
        nodeImage: s.nodeImage,
        imageMap: s.imageMap,
        kubeProxyMode: s.kubeProxyMode,
        host,
        readyTimeoutMs: Number(timeout) * 1000,
        pollMs: Number(io.env.CNILAB_POLL_MS ?? 1000),
        progress: (line) => io.stderr(`cnilab perf: ${line}\n`),
      });
    } catch (err) {
      io.stderr(`cnilab perf: ${(err as Error).message.split("\n")[0]} (is the lab up? cnilab up ${ref.name})\n`);
      return exitCode("not-up");
    }
    const root = stateDir(io.env, io.cwd);
    const files = [savePerfRun(root, ref.name, result.run), saveFacts(root, ref.name, result.facts)];
    io.stdout(markdownTable(result.run.summary));
    for (const p of result.problems) io.stdout(`problem: ${p}\n`);
    io.stdout(`saved: ${files.join(", ")}\n`);
    return exitCode(result.problems.length > 0 ? "failed" : "ok");
  },
};

async function readKubeconfig(file: string | undefined, cluster: string, io: Io, fromKind: (c: string) => Promise<string>): Promise<string | undefined> {
  if (file !== undefined) {
    try {
      return readFileSync(resolve(io.cwd, file), "utf8");
    } catch (err) {
      io.stderr(`cnilab perf: cannot read --kubeconfig ${file}: ${(err as Error).message}\n`);
      return undefined;
    }
  }
  try {
    return await fromKind(cluster);
  } catch (err) {
    io.stderr(`cnilab perf: no kubeconfig for kind cluster '${cluster}' (${(err as Error).message.split("\n")[0]}); bring the lab up first, or pass --kubeconfig\n`);
    return undefined;
  }
}
