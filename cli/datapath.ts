import { parseCommandArgs } from "./args";
import { exitCode } from "./exit";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { BACKEND_FACTS } from "../backends";
import { BACKENDS } from "../backends/types";
import type { Backend } from "../backends/types";
import { BENCH_DEFAULTS, missingTools, runBench } from "../datapath/bench";
import { gatherSections, sideBySide } from "../datapath/explain";
import { plannedSections } from "../datapath/explain-plan";
import { planDatapathLab } from "../datapath/plan";
import { painter } from "../host/colour";
import { labDown, labUp, listLabNamespaces } from "../datapath/lab";
import { formatProbeReport, runLabProbes } from "../datapath/probe-run";
import { asExpected } from "../verdict/judge";
import { markdownTable } from "../datapath/results";
import { readLabState } from "../datapath/state";
import { stateDir, STATE_DIR_HELP } from "../host/state";
import { LAB_DEFAULTS, labTopology, validateLabOptions } from "../datapath/topology";
import type { LabOptions, LabTopology } from "../datapath/topology";
import type { Command, Io } from "./command";
import { UsageError } from "./command";
import { didYouMean } from "../labs/errors";

const VERBS = ["up", "probe", "bench", "explain", "down"] as const;
type Verb = (typeof VERBS)[number];

/** What `bench` runs without backends named: routes, a kernel overlay, user-space UDP, and a sub-interface. */
const BENCH_BACKENDS: readonly Backend[] = ["flannel-host-gw", "flannel-vxlan", "flannel-udp", "macvlan"];

const HELP = `Usage: cnilab datapath <up|probe|bench|explain|down> <backend>... [options]

Builds a backend's datapath by hand in network namespaces on this machine — a "switch" namespace
with a bridge (kind's Docker network), N node namespaces with pods — exactly as the backend programs
its nodes (routes, overlay devices, FDB/neighbour entries, kube-proxy's iptables chains), then
probes, measures, or shows it. Needs root; touches nothing outside namespaces named cnilab-dp-*.

Verbs:
  up        build the lab (a kernel feature the backend needs and this machine lacks is reported
            as "not available here", exit 2)
  probe     pod→pod same node and across nodes, pod→own node, pod→other node, pod→ClusterIP with
            the probe program; prints expected vs observed (exit 1 on a mismatch)
  bench     for each backend: build, iperf3 (1 and 4 streams) and sockperf latency, remove;
            node↔node baseline first; Markdown table + JSON (default backends: ${BENCH_BACKENDS.join(", ")})
  explain   per node ip route, the overlay device (ip -d link), FDB and neighbours; several
            backends side by side. A backend that is not up is explained from its plan (the
            commands 'up' would run, marked "(plan)"; no root needed)
  down      remove the lab's namespaces (every cnilab-dp-* namespace when no backend is named)

Backends: ${BACKENDS.join(", ")}

Options:
  --nodes N        node namespaces (default ${LAB_DEFAULTS.nodes}, 2..8)
  --reps N         bench: measured repetitions per test (default ${BENCH_DEFAULTS.reps}; 5 for a full run)
  --duration S     bench: seconds per repetition (default ${BENCH_DEFAULTS.durationSeconds})
  --warmup N       bench: discarded runs first (default ${BENCH_DEFAULTS.warmup})
  --json FILE      bench: where the JSON results go (default <state>/datapath-bench.json)

State: <state> (${STATE_DIR_HELP}) records what is up; cleanup never depends on it.

Example:
  sudo cnilab datapath up flannel-vxlan && sudo cnilab datapath probe flannel-vxlan
  sudo cnilab datapath explain flannel-host-gw flannel-vxlan
  sudo cnilab datapath bench flannel-host-gw flannel-vxlan flannel-udp --reps 3

flannel-udp runs a small forwarder of ours per node (datapath/udp-forwarder.c, built with the
machine's C compiler, $CC or cc, into <state>/bin) that does what flanneld's udp backend does:
packets from the TUN device flannel0 to UDP 8285 of the peer node and back. 'down' stops it.`;

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

function parseBackends(names: string[]): Backend[] {
  const unknown = names.filter((n) => !(BACKENDS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new UsageError(`unknown backend ${unknown.map((u) => `'${u}'${didYouMean(u, BACKENDS)}`).join(", ")}; backends: ${BACKENDS.join(", ")}`);
  return names as Backend[];
}

export const datapathCommand: Command = {
  name: "datapath",
  summary: "build a backend's datapath in network namespaces; probe, benchmark, explain it (root)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      options: { nodes: { type: "string" }, reps: { type: "string" }, duration: { type: "string" }, warmup: { type: "string" }, json: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    const [verb, ...names] = positionals;
    if (!(VERBS as readonly (string | undefined)[]).includes(verb)) {
      throw new UsageError(`expected a verb (${VERBS.join("|")}), got ${verb === undefined ? "nothing" : `'${verb}'`}`);
    }
    const backends = parseBackends(names);
    if (backends.length === 0 && verb !== "down" && verb !== "bench") throw new UsageError(`datapath ${verb} needs at least one backend`);
    const lab: LabOptions = { ...LAB_DEFAULTS, nodes: positiveInt("--nodes", values.nodes, LAB_DEFAULTS.nodes) };
    const problems = validateLabOptions(lab);
    if (problems.length > 0) throw new UsageError(problems.join("; "));
    // explain reads a lab that is not up from its plan, which needs no privilege.
    if (verb !== "explain" && process.getuid?.() !== 0) {
      io.stderr(`cnilab datapath ${verb}: needs root (it creates network namespaces, veth pairs, bridges and iptables rules); run it as root, e.g. with sudo\n`);
      return exitCode("missing-prerequisite");
    }
    const dir = stateDir(io.env, io.cwd);
    switch (verb as Verb) {
      case "up":
        return up(backends, lab, dir, io);
      case "down":
        return down(backends, dir, io);
      case "probe":
        return probe(backends, dir, io);
      case "explain":
        return explain(backends, lab, dir, io);
      case "bench":
        return bench(backends.length > 0 ? backends : BENCH_BACKENDS, lab, values, dir, io);
    }
  },
};

async function up(backends: Backend[], lab: LabOptions, dir: string, io: Io): Promise<number> {
  let code = 0;
  for (const backend of backends) {
    const result = await labUp(backend, lab, dir);
    if (result.status === "not-available") {
      const why = result.missing.length > 0 ? " (this kernel lacks it; the backend itself is fine)" : "";
      io.stderr(`cnilab datapath up: ${backend}: not available here: ${result.reasons.join("; ")}${why}\n`);
      code = 2;
      continue;
    }
    const { topology, steps, podMtu } = result.plan;
    io.stdout(`${backend}: up — ${topology.nodes.length} nodes, ${topology.nodes[0]!.pods.length} pods each, pod MTU ${podMtu}, ${steps.length} commands (namespaces ${topology.prefix}*)\n`);
  }
  return code;
}

async function down(backends: Backend[], dir: string, io: Io): Promise<number> {
  const targets: (Backend | undefined)[] = backends.length > 0 ? backends : [undefined];
  for (const b of targets) {
    const removed = await labDown(b, dir);
    io.stdout(`${b ?? "all datapath labs"}: removed ${removed.length} namespaces\n`);
  }
  return exitCode("ok");
}

/** The running lab's shape: its recorded options, else the node namespaces that exist. */
async function runningTopology(backend: Backend, dir: string): Promise<LabTopology | undefined> {
  const namespaces = await listLabNamespaces(backend);
  if (namespaces.length === 0) return undefined;
  const state = readLabState(dir, backend);
  const nodes = namespaces.filter((n) => /\.n\d+$/.test(n)).length;
  const pods = namespaces.filter((n) => /\.n1\.p\d+$/.test(n)).length;
  const options = state?.complete ? state.options : { ...LAB_DEFAULTS, nodes, podsPerNode: pods };
  return labTopology(backend, BACKEND_FACTS[backend].datapath.routeBlockPrefix, options);
}

async function probe(backends: Backend[], dir: string, io: Io): Promise<number> {
  let code = 0;
  for (const backend of backends) {
    const topo = await runningTopology(backend, dir);
    if (!topo) {
      io.stderr(`cnilab datapath probe: ${backend} is not up (run: cnilab datapath up ${backend})\n`);
      return exitCode("not-up");
    }
    const report = await runLabProbes(BACKEND_FACTS[backend], topo);
    io.stdout(formatProbeReport(backend, report, painter(io.colour)));
    if (!asExpected(report.counts)) code = 1;
  }
  return code;
}

/** A lab that is up is read from the kernel (root); one that is not is explained from its plan, and says so. */
async function explain(backends: Backend[], lab: LabOptions, dir: string, io: Io): Promise<number> {
  const columns = [];
  for (const backend of backends) {
    const facts = BACKEND_FACTS[backend];
    const topo = await runningTopology(backend, dir);
    if (topo && process.getuid?.() !== 0) {
      io.stderr(`cnilab datapath explain: ${backend} is up; reading its namespaces needs root (run it as root, e.g. with sudo)\n`);
      return exitCode("missing-prerequisite");
    }
    if (!topo) io.stderr(`cnilab datapath explain: ${backend} is not up; explaining it from the plan\n`);
    const sections = topo ? await gatherSections(facts, topo) : plannedSections(facts, planDatapathLab(facts, lab));
    columns.push({ title: topo ? backend : `${backend} (plan)`, sections });
  }
  io.stdout(`${sideBySide(columns)}\n`);
  return exitCode("ok");
}

async function bench(backends: readonly Backend[], lab: LabOptions, values: { reps?: string; duration?: string; warmup?: string; json?: string }, dir: string, io: Io): Promise<number> {
  const missing = await missingTools();
  if (missing.length > 0) {
    io.stderr(`cnilab datapath bench: missing ${missing.join(", ")} (Debian: apt-get install -y ${missing.join(" ")})\n`);
    return exitCode("missing-prerequisite");
  }
  const result = await runBench(backends, {
    lab,
    durationSeconds: positiveInt("--duration", values.duration, BENCH_DEFAULTS.durationSeconds),
    reps: positiveInt("--reps", values.reps, BENCH_DEFAULTS.reps),
    warmup: values.warmup === "0" ? 0 : positiveInt("--warmup", values.warmup, BENCH_DEFAULTS.warmup),
    stateDir: dir,
    progress: (line) => io.stderr(`cnilab datapath bench: ${line}\n`),
  });
  const file = resolve(io.cwd, values.json ?? `${dir}/datapath-bench.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  io.stdout(markdownTable(result.summary));
  for (const s of result.skipped) io.stdout(`skipped ${s.backend}: ${s.reason}\n`);
  io.stdout(`JSON: ${file}\n`);
  return exitCode("ok");
}
