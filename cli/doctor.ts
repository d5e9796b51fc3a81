/**
 * `cnilab doctor`: can this machine run a lab? Every check is a line with pass / warn / fail and the
 * fix. The same checks guard `up` and `down` (`preflight`), so a missing prerequisite stops them
 * with one line before anything is created.
 */
import { exitCode } from "./exit";
import { parseCommandArgs } from "./args";
import { BACKENDS, type Backend } from "../backends";
import { DOCKER_DRIVERS, type DockerDriver } from "../docker";
import { didYouMean } from "../labs/errors";
import { KIND_VERSION, KUBERNETES_VERSION } from "../pins";
import { UsageError, type Command, type Io } from "./command";
import { formatVersion } from "../host/check";
import { systemHost, type Host } from "../host/host";
import { DEFAULT_KUBERNETES_MINOR, DEFAULT_WORKERS, runChecks, runDockerChecks } from "../host/lab-checks";
import { INOTIFY_MIN } from "../host/resources";
import { KIND_FALLBACK_PATH, KIND_MIN_VERSION } from "../host/kind";
import { PULUMI_MIN_VERSION } from "../host/pulumi";
import { painter } from "../host/colour";
import { dockerLink, renderChecks, renderSetupPlan } from "./services/checks";

/**
 * `docker-<driver>`, as the Docker-only stacks are named: macvlan and ipvlan-l2/l3 are kind-cluster
 * backends too, so the bare driver name would be ambiguous.
 */
export const DOCKER_TARGETS = DOCKER_DRIVERS.map((d) => `docker-${d}`);

/** A kind-cluster backend, or a Docker-only lab's driver (docker/drivers.ts); anything else lists both. */
export function parseTarget(value: string): { backends: readonly Backend[] } | { driver: DockerDriver } {
  if ((BACKENDS as readonly string[]).includes(value)) return { backends: [value as Backend] };
  const driver = DOCKER_DRIVERS.find((d) => `docker-${d}` === value);
  if (driver) return { driver };
  throw new UsageError(
    `unknown backend '${value}'${didYouMean(value, [...BACKENDS, ...DOCKER_TARGETS])}; kind-cluster backends: ${BACKENDS.join(", ")}; Docker-only labs: ${DOCKER_TARGETS.join(", ")}`,
  );
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
      ? await runDockerChecks(host, dockerLink(target.driver))
      : await runChecks(host, { backends: target.backends, workers: DEFAULT_WORKERS, kubernetesMinor: DEFAULT_KUBERNETES_MINOR });
  if (values.json) {
    const setup = report.tools.flatMap((l) => (l.fetch ? [{ tool: l.tool, ...l.fetch }] : []));
    io.stdout(JSON.stringify({ checks: report.checks, setup }, null, 2) + "\n");
  } else {
    const scope = "driver" in target ? `Docker-only lab, ${target.driver} driver (no kind cluster)` : `${values.backend ?? "all backends"}, 1 control plane + ${DEFAULT_WORKERS} workers`;
    io.stdout(`cnilab doctor — ${scope}\n\n${renderChecks(report.checks, painter(io.colour))}\n${renderSetupPlan(host, report.tools)}`);
  }
  return exitCode(report.checks.some((c) => c.status === "fail") ? "mismatch" : "ok");
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check Docker, kind, Pulumi, kernel modules and host limits for a lab",
  help: DOCTOR_HELP,
  run: (argv, io) => runDoctor(argv, io),
};
