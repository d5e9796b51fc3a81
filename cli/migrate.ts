/**
 * `cnilab migrate <stack> --to <backend> [--dry-run]`: moves a running lab to another CNI backend
 * on the same kind cluster, as seed 000 does by hand (flannel VXLAN → host-gw, flannel → calico).
 * The plan is migrate/plan.ts; the run is cli/services/migrate-run.ts.
 */
import { BACKEND_FACTS, BACKENDS, type Backend } from "../backends";
import { STATE_DIR_HELP, stateFolder } from "../host/state";
import { loadSpec, readStackFile } from "../labs";
import { didYouMean } from "../labs/errors";
import { planMigration } from "../migrate/plan";
import { renderMigrationPlan } from "../migrate/render";
import { withoutCni } from "../migrate/resources";
import { setStackBackend } from "../migrate/stack-file";
import { planLab } from "../plan";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { defaultDeps, labWorkspace, type LabCommandDeps } from "./deps";
import { exitCode } from "./exit";
import { onCtrlC } from "./interrupt";
import { Progress } from "./progress";
import { openLabStack, pulumiFailure } from "./pulumi";
import { checkPrerequisites } from "./services/checks";
import { upTarget } from "./services/deploy";
import { kindMigrationCluster } from "./services/migrate-cluster";
import { readMigrationRecord, removeMigrationRecord, resumable, writeMigrationRecord } from "./services/migrate-record";
import { MigrationStopped, runMigration, type MigrationEngine } from "./services/migrate-run";
import { showVerifyFromOutputs } from "./services/verify-report";
import { loadClusterSpec, resolveStack, STACKS_DIR } from "./stack-arg";

export const MIGRATE_HELP = `Usage: cnilab migrate <stack> --to <backend> [--dry-run]

Moves a running lab to another CNI backend on the same kind cluster — never replaced — as seed 000
does by hand: flannel VXLAN → host-gw by changing net-conf.json and restarting flannel, flannel →
calico by removing flannel, clearing what it left on every node and installing calico.

  1. verify: the lab must pass before it is changed; each node's devices, routes, pod IPs and MTU
     are recorded;
  2. the changes, as Pulumi updates of the same stack: stacks/Pulumi.<stack>.yaml's cnilab:backend
     is set to <backend> (the one line that changes in that file), the CNI's Helm release is
     upgraded, or removed and the new one installed (the kind cluster's resources and config stay
     the same, so nothing replaces it);
  3. between them, what Pulumi cannot do: a rollout restart of flannel's DaemonSet (it reads its
     config only when it starts); one privileged Job per node (hostNetwork, hostPID, nsenter into
     the node) that removes exactly the old CNI's leftovers — its CNI config, plugin, state files,
     devices (flannel.1, cni0), routes to other nodes' pod subnets and iptables chains — each only
     if it is there; and every pod a controller owns deleted, so it comes back with an address and
     MTU from the new CNI;
  4. the probe Jobs run again, verify as the new backend, and a table of what changed: devices,
     routes, pod IPs, MTU, NetworkPolicy enforcement.

A run that stops (a failed step, Ctrl-C) says which steps are done; running the same command again
goes on from the next one (the record is <state>/migrations/<stack>.json, <state>: ${STATE_DIR_HELP}).

Refused, with the reason (exit 2): to or from kindnet (kind installs it while it creates the
cluster: a kind config change, which means a new cluster), to macvlan or ipvlan (a need of the node
network: pods become sub-interfaces of the node's eth0), the backend the stack already has, a
Docker-only stack, and a migration from a CNI whose node leftovers cnilab does not list (only
flannel's are: calico, macvlan and ipvlan stacks are built as their own stacks).

Options
  --to <backend>  the backend to move to: ${BACKENDS.join(", ")}
  --dry-run       print every step, what it removes and why; needs no Docker, changes nothing
  -h, --help      this text

Needs what \`cnilab up\` needs for the new backend (Docker, kind, Pulumi, its kernel modules), and a
lab that is up. Progress on long waits (the updates, the restart, each node's cleanup).

Exit status: 0 migrated and verify passes as the new backend; 1 a step failed (the message says
which steps are done and where the lab is) or verify after found a mismatch; 2 bad usage, invalid
stack, a refused migration, a missing prerequisite, or a lab that is not up; 130 cancelled.

Examples
  cnilab migrate flannel-vxlan --to flannel-host-gw --dry-run
  cnilab migrate flannel-vxlan --to calico-vxlan
`;

function parseTo(value: string | undefined): Backend {
  if (value === undefined || value === "") throw new UsageError(`missing --to <backend>; backends: ${BACKENDS.join(", ")}`);
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new UsageError(`--to: unknown backend '${value}'${didYouMean(value, BACKENDS)}`, { path: "--to", value, allowed: BACKENDS });
  }
  return value as Backend;
}

export async function runMigrate(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: argv, options: { to: { type: "string" }, "dry-run": { type: "boolean" } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`expected one <stack>, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`);
  const ref = resolveStack(positionals[0], deps.root, io.cwd);
  if (!ref.inStacksDir) throw new UsageError(`cnilab migrate changes the stack's settings, which Pulumi reads only from ${STACKS_DIR}/Pulumi.<name>.yaml: copy ${ref.source} there first`);
  const to = parseTo(values.to);
  const current = await loadClusterSpec(ref, "migrate");
  const records = stateFolder(io.env, io.cwd, "migrations", deps.root);
  // A run that stopped midway is gone on with: planned from the backend it started from.
  const record = resumable(readMigrationRecord(records, ref.name), current.stack.backend, to);
  const raw = readStackFile(ref.file);
  const fromSpec = record ? await loadSpec({ ...raw, backend: record.from }, ref.source) : current;
  // The stack as it will be: validated like any stack file (an imageMap of the old CNI's images is refused here).
  const toSpec = await loadSpec({ ...raw, backend: to }, ref.source);
  const [from, target] = [planLab(fromSpec), planLab(toSpec)];
  const plan = planMigration({ stack: ref.name, file: ref.source, from, to: target, podSubnet: fromSpec.stack.podSubnet });
  if ("refused" in plan) {
    io.stderr(`cnilab migrate: ${ref.name}: cannot migrate ${from.backend.name} → ${to} in place: ${plan.refused}\n`);
    return exitCode("usage");
  }
  const resuming = record ? `Going on with the migration ${record.from} → ${record.to} started ${record.startedAt}: steps 1–${record.done} are done.\n` : "";
  if (values["dry-run"]) {
    io.stdout(`${resuming}${renderMigrationPlan(plan)}`);
    return exitCode("ok");
  }
  io.stdout(resuming);

  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  const pre = await checkPrerequisites(upTarget(ref, { kind: "cluster", spec: toSpec }, io, deps), deps.host, progress, io, "migrate");
  if (!pre) return exitCode("missing-prerequisite");
  const opts = labWorkspace(ref.name, deps, pre);
  if (!(await openLabStack(opts, false))) {
    progress.finish();
    io.stderr(`cnilab migrate: lab ${ref.name} is not up (no stack in the state): run 'cnilab up ${ref.name}' first\n`);
    return exitCode("not-up");
  }
  const ctrlC = onCtrlC(io, "migrate", { what: "and no further step starts", ...deps.interrupt });
  const startedAt = new Date().toISOString();
  const engine: MigrationEngine = {
    outputs: async () => (await openLabStack(opts, false))!.stack.outputs(),
    async update(cni, replace) {
      const lab = (await openLabStack(opts, false, cni === "none" ? withoutCni : undefined))!;
      progress.step(`pulumi up of ${ref.name}${cni === "none" ? " without its CNI" : ""}`);
      try {
        const result = await lab.stack.up({ onEvent: progress.onEvent, signal: ctrlC.signal, configFile: lab.configFile, ...(replace.length > 0 ? { replace: [...replace] } : {}) });
        return result.outputs;
      } catch (err) {
        if (ctrlC.interrupted) throw new MigrationStopped("cancelled with Ctrl-C: Pulumi stopped cleanly and recorded what it made", exitCode("interrupted"));
        throw new Error(pulumiFailure(err, progress.errors).join("\n  "));
      } finally {
        progress.finish();
      }
    },
  };
  try {
    return await runMigration(plan, io, {
      engine,
      cluster: (outputs) => kindMigrationCluster(outputs.kubeconfig!.value as string, deps.host.env),
      verify: (backend, outputs) => showVerifyFromOutputs(ref.name, BACKEND_FACTS[backend], outputs, io, deps, {}),
      // The plan names the file as messages do; the write goes to its absolute path.
      setBackend: (_file, backend) => setStackBackend(ref.file, backend),
      say: (line) => progress.line(line),
      imageMap: target.imageMap,
      podSubnet: fromSpec.stack.podSubnet,
      interrupted: () => ctrlC.interrupted,
      ...(record ? { resume: { done: record.done, ...(record.before ? { before: record.before } : {}) } } : {}),
      progressed: (done, before) => {
        if (done === plan.steps.length) removeMigrationRecord(records, ref.name);
        else writeMigrationRecord(records, { stack: ref.name, from: plan.from, to: plan.to, startedAt: record?.startedAt ?? startedAt, done, ...(before ? { before } : {}) });
      },
    });
  } finally {
    ctrlC.dispose();
  }
}

export const migrateCommand: Command = {
  name: "migrate",
  summary: "move a running lab to another CNI backend on the same cluster (flannel vxlan → host-gw, flannel → calico)",
  help: MIGRATE_HELP,
  run: (argv, io) => runMigrate(argv, io),
};
