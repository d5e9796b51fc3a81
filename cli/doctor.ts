/**
 * `cnilab doctor`: can this machine run a lab? Every check is a line with pass / warn / fail and the
 * fix. The same checks guard `up` and `down` (`preflight`), so a missing prerequisite stops them
 * with one line before anything is created.
 */
import { parseCommandArgs } from "./args";
import { BACKENDS, BACKEND_FACTS, type Backend } from "../backends";
import { stackSchema } from "../labs/schema";
import { KIND_VERSION, KUBERNETES_VERSION } from "../pins";
import { UsageError, type Command, type Io } from "./command";
import { formatVersion, type Check } from "./doctor-check";
import { checkCgroup, checkDocker } from "./doctor-docker";
import { systemHost, type Host } from "./doctor-host";
import { checkKernel } from "./doctor-kernel";
import { DOCKER_TARGETS, parseTarget, runDockerChecks } from "./doctor-target";
import { checkDisk, checkInotify, checkMemory, INOTIFY_MIN } from "./doctor-resources";
import { renderSetupPlan, toolCheck } from "./doctor-tools";
import { KIND_FALLBACK_PATH, KIND_MIN_VERSION, locateTool, PULUMI_MIN_VERSION, type LocatedTool, type LocatedTools, type ToolFailures } from "./tools";
import { TOOL_NAMES, type ToolName } from "../pins/tools";
import { checkPlugins } from "./pulumi-plugins";
import { painter, plain, type Paint, type Tone } from "../host/colour";
import { checkNode, packageInfo } from "./doctor-node";

export interface DoctorOptions {
  /** The backends the lab may use: the kernel checks cover what they need. */
  backends: readonly Backend[];
  workers: number;
  /** Kubernetes minor version of the node image (cgroup v2 is required from 1.35). */
  kubernetesMinor: number;
}

export interface DoctorReport {
  checks: Check[];
  /** The executables found, for `up`/`down` to run exactly what was checked. */
  kindPath?: string;
  pulumiPath?: string;
  /** Where each tool was found, and what `setup` would fetch. */
  tools: LocatedTool[];
}

/** Tools already located (and fetched) by `ensureTools`, with why a fetch failed. */
export interface ToolsFound {
  located: LocatedTools;
  failed: ToolFailures;
}

/** The stacks' default worker count (labs/schema.ts), which `doctor` sizes memory and disk for. */
export const DEFAULT_WORKERS: number = stackSchema.shape.workers.parse(undefined);
export const DEFAULT_KUBERNETES_MINOR = Number(KUBERNETES_VERSION.split(".")[1]);

export async function runChecks(host: Host, opts: DoctorOptions, found?: ToolsFound): Promise<DoctorReport> {
  const locate = (t: ToolName) => found?.located[t] ?? locateTool(host, t);
  const [docker, ...tools] = await Promise.all([checkDocker(host), ...TOOL_NAMES.map(locate)]);
  const [kind, pulumi] = tools.map((l) => toolCheck(host, l, found?.failed[l.tool]));
  const shape = { workers: opts.workers, families: [...new Set(opts.backends.map((b) => BACKEND_FACTS[b].family))] };
  const checks = [
    checkNode(host.node ?? process.versions.node, packageInfo().engines?.node),
    docker.check,
    checkCgroup(host, docker.info, opts.kubernetesMinor),
    kind!.check,
    pulumi!.check,
    ...(pulumi!.path && pulumi!.check.status !== "fail" ? [await checkPlugins(host, pulumi!.path)] : []),
    ...checkKernel(host, opts.backends),
    checkInotify(host),
    checkMemory(host, shape),
    await checkDisk(host, shape, docker.info?.rootDir),
  ];
  return { checks, kindPath: kind!.path, pulumiPath: pulumi!.path, tools };
}

const TONE: Readonly<Record<Check["status"], Tone>> = { pass: "good", warn: "warn", fail: "bad" };

export function renderChecks(checks: readonly Check[], paint: Paint = plain): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${paint(TONE[c.status], c.status.padEnd(4))}  ${c.id.padEnd(width)}  ${c.message}`);
    if (c.fix) lines.push(`${" ".repeat(width + 8)}fix: ${c.fix}`);
  }
  const count = (s: Check["status"]) => checks.filter((c) => c.status === s).length;
  lines.push("", `${count("pass")} pass, ${count("warn")} warn, ${count("fail")} fail`);
  return lines.join("\n") + "\n";
}

export const DOCTOR_HELP = `Usage: cnilab doctor [--backend BACKEND] [--json]

Checks that this machine can run a lab, one line per check: pass, warn or fail, with the fix.

  docker         the Docker daemon answers \`docker info\`; its cgroup version (kind node images
                 for Kubernetes ≥ 1.35 need cgroup v2; the pinned one is v${KUBERNETES_VERSION})
  kind           $CNILAB_KIND, else the first of kind on PATH, ${KIND_FALLBACK_PATH} and the
                 tools folder at ${formatVersion(KIND_MIN_VERSION)} or later (${KIND_VERSION} recommended)
  pulumi         the first of pulumi on PATH, ~/.pulumi/bin and the tools folder at
                 ${formatVersion(PULUMI_MIN_VERSION)} or later, major version 3
                 A tool found nowhere warns: \`cnilab setup\` (or the first up) fetches the pinned one
                 into the tools folder; the closing lines say what it fetches for this machine.
  pulumi-plugins \`pulumi plugin ls --json\` lists the kubernetes resource plugin at the version of
                 the installed @pulumi/kubernetes, the only one a cluster stack needs (missing =
                 warn: \`cnilab up\` installs it, which needs the network once)
  kernel-<m>     each kernel module the backend needs (kind nodes share the host kernel):
                 loaded or built in = pass; loadable but not loaded = warn (modprobe);
                 not in the kernel = fail for a backend that needs it
  ip-forward     net.ipv4.ip_forward = 1
  inotify        fs.inotify.max_user_watches ≥ ${INOTIFY_MIN.max_user_watches}, max_user_instances ≥ ${INOTIFY_MIN.max_user_instances}
  memory         MemAvailable against 1 control plane + ${DEFAULT_WORKERS} workers and the CNI agent per node
  disk           free space on Docker's data root for the node image and images

Options
  --backend BACKEND  check for one backend: ${BACKENDS.join(", ")};
                     or a Docker-only lab's driver: ${DOCKER_TARGETS.join(", ")} (Docker, Pulumi,
                     its plugins and the driver's link type in the kernel; no kind).
                     Default: all of them; a module some backends lack then warns and names
                     the backends it affects, and fails only if every backend needs it.
  --json             print {"checks":[{"id","status","message","fix"}, …],
                     "setup":[{"tool","version","platform","url","sha256","target"}, …]} instead
  -h, --help         this text

Exit status: 0 no check failed (warnings allowed), 1 a check failed, 2 bad usage.

Example
  cnilab doctor --backend flannel-vxlan
`;

/** `doctor` with a given host: what the command runs, and what tests point at fixtures. */
export async function runDoctor(argv: string[], io: Io, host: Host = systemHost(io.env, io.cwd)): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { backend: { type: "string" }, json: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const target = values.backend === undefined ? { backends: BACKENDS } : parseTarget(values.backend);
  const report =
    "driver" in target
      ? await runDockerChecks(host, target.driver)
      : await runChecks(host, { backends: target.backends, workers: DEFAULT_WORKERS, kubernetesMinor: DEFAULT_KUBERNETES_MINOR });
  if (values.json) {
    const setup = report.tools.flatMap((l) => (l.fetch ? [{ tool: l.tool, ...l.fetch }] : []));
    io.stdout(JSON.stringify({ checks: report.checks, setup }, null, 2) + "\n");
  } else {
    const scope = "driver" in target ? `Docker-only lab, ${target.driver} driver (no kind cluster)` : `${values.backend ?? "all backends"}, 1 control plane + ${DEFAULT_WORKERS} workers`;
    io.stdout(`cnilab doctor — ${scope}\n\n${renderChecks(report.checks, painter(io.colour))}\n${renderSetupPlan(host, report.tools)}`);
  }
  return report.checks.some((c) => c.status === "fail") ? 1 : 0;
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check Docker, kind, Pulumi, kernel modules and host limits for a lab",
  help: DOCTOR_HELP,
  run: (argv, io) => runDoctor(argv, io),
};
