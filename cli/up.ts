/**
 * `cnilab up <stack>`: validate the stack, check the prerequisites, then `pulumi up` through the
 * Automation API with progress, and print what came up. Re-running it is safe: Pulumi compares with
 * the recorded state and changes only what differs.
 */
import { parseCommandArgs } from "./args";
import type { EngineEvent, OutputMap } from "@pulumi/pulumi/automation";
import { renderOutputs } from "./outputs";
import { kubernetesMinor } from "../labs/stack";
import type { Spec } from "../labs";
import { planLab } from "../plan";
import { UsageError, type Command, type Io } from "./command";
import { DEFAULT_KUBERNETES_MINOR } from "../host/lab-checks";
import { preflightUp, type Preflight, type Say } from "../host/preflight";
import { reportPreflight } from "./services/checks";
import { plannedResourceCount } from "./plan";
import { Progress } from "./progress";
import { BACKEND_SUBDIR, backendUrl, DEFAULT_PASSPHRASE, openLabStack, pulumiFailure } from "./pulumi";
import { ensurePlugins, installCommand, pluginsFor, type PluginPin } from "../host/pulumi-plugins";
import { INTERRUPTED_EXIT, onCtrlC } from "./interrupt";
import { STATE_DIR_HELP } from "../host/state";
import { defaultDeps, labWorkspace, type LabCommandDeps } from "./deps";
import { dockerUp } from "./docker-up";
import { readinessFailure } from "./readiness-failure";
import type { Host } from "../host/host";
import { loadLabStackOrReport, resolveStack, type LabStack, type StackRef } from "./stack-arg";
import { showVerifyFromOutputs } from "./verify";
import { hostDocker, machineProblems, recordedOf, reportCollisions, stackFileProblems } from "./claims";

export { defaultDeps, type LabCommandDeps } from "./deps";

/** The stack argument of up/down: Pulumi reads stack settings only from stacks/, so it must be there. */
export function parseLabArgs(command: string, argv: string[], io: Io, root: string, extra: Record<string, { type: "boolean" }> = {}) {
  const { values, positionals } = parseCommandArgs({ args: argv, options: extra, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`expected one <stack>, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`);
  const ref = resolveStack(positionals[0], root, io.cwd);
  if (!ref.inStacksDir) {
    throw new UsageError(`Pulumi reads stack settings only from stacks/Pulumi.<name>.yaml; copy ${ref.source} to stacks/Pulumi.${ref.name}.yaml and run 'cnilab ${command} ${ref.name}'`);
  }
  return { ref, flags: values as Record<string, boolean | undefined> };
}

export const UP_HELP = `Usage: cnilab up <stack>

Builds the lab of stacks/Pulumi.<stack>.yaml: its Docker network, the kind cluster, the CNI (ready on
every node), the workloads and the NetworkPolicies. Runs \`pulumi up\` through the Pulumi Automation
API; running it again changes only what differs.

Before anything is created the stack is validated (as \`cnilab plan\` does) and the prerequisites are
checked (as \`cnilab doctor --backend <its backend>\` does): Docker reachable, kind and the Pulumi CLI
present, the kernel features the backend needs. A missing one stops here with the cause and the fix.
kind or Pulumi found nowhere (or too old) is first fetched, pinned and sha256-verified, into the
tools folder, as \`cnilab setup\` does.
So does a collision with another lab: a kind cluster name or node subnet another stack file uses
too, or a kind cluster, Docker network of that name or overlapping subnet on the machine that is not
this stack's (its Docker network carries io.cnilab.project/io.cnilab.stack labels; kind's node
containers sit on it).

State      <state>/${BACKEND_SUBDIR}/, a Pulumi file backend (no account, no login); <state> is
           ${STATE_DIR_HELP}, and CNILAB_STATE moves results and backend together.
           PULUMI_BACKEND_URL, when set, is used instead (Pulumi.yaml names the same default for
           plain \`pulumi\`). Tracked files stay untouched: Pulumi writes its passphrase salt into a
           copy of the stack's settings under <state>/stack-settings/, not into stacks/.
Secrets    encrypted with the passphrase in PULUMI_CONFIG_PASSPHRASE (or the file in
           PULUMI_CONFIG_PASSPHRASE_FILE); default "${DEFAULT_PASSPHRASE}" for the local file backend only
           (a shared backend needs yours). Use the same one for up and down.
Plugins    the kubernetes resource plugin at the version of the installed @pulumi/kubernetes
           (a Docker-only lab: docker, of @pulumi/docker); a missing one is installed first
           (\`pulumi plugin install\`, which needs the network once). The lab's Docker network
           and kind cluster are cnilab's own dynamic resources, run by the docker and kind CLIs.
kind       $CNILAB_KIND, else kind on PATH, /opt/kind/usr/bin/kind or the tools folder (the first at a
           supported version); passed on as CNILAB_KIND. Pulumi: PATH, ~/.pulumi/bin, the tools folder.
Re-runs    a stack that is up but whose kind cluster (or Docker-only lab's containers) was removed
           by hand is refreshed first, so \`up\` builds it again.
Ctrl-C     the first asks Pulumi to cancel cleanly (steps in flight finish and are recorded, the
           lock is released); a second stops at once.
Progress   step, resources done/total and elapsed time: one updating line on a terminal, plain lines
           otherwise.

It ends with \`cnilab verify <stack>\`'s table: every probe of the assertion Jobs, expected against
observed.

A Docker-only stack (docker-bridge, docker-macvlan, docker-ipvlan-l2, docker-ipvlan-l3) builds Docker
networks and containers, no cluster: the checks are Docker, the Pulumi CLI and the driver's kernel
module (macvlan, ipvlan), and the table compares each probe of its assertion containers with what
the driver's facts expect.

Exit status: 0 the lab is up and behaves as expected; 1 \`pulumi up\` failed (what was created stays:
fix and re-run, or \`cnilab down <stack>\`), or a probe did not behave as expected; 2 bad usage,
invalid stack, a collision with another lab, or a missing prerequisite (also a plugin that could not
be installed); 130 cancelled with Ctrl-C.

Examples
  cnilab up flannel-vxlan
  cnilab up docker-macvlan
`;

/** What `up` does differently for a kind-cluster lab and a Docker-only lab. */
export interface UpTarget {
  /** The checks the lab cannot come up without (fetching a missing tool first, told through `say`). */
  preflight(host: Host, say: Say): Promise<Preflight>;
  /** The resources the program registers: the progress total. */
  resources: number;
  /** How to look at the lab, printed after its outputs. */
  hints: string[];
  /** The output the verify table shows, left out of the list of outputs. */
  reportOutput?: string;
  /** The resource plugins its program needs. */
  plugins: PluginPin[];
  /** What the lab had and is gone now (removed by hand): reason to refresh the state before the update. */
  gone(host: Host, pre: Preflight): Promise<string[]>;
  /** Prints expected against observed; its exit code, or why there is no report. */
  verify(outputs: OutputMap): Promise<number | string>;
  /** After a failed update: what the lab itself can tell about where it stopped (lines, maybe none). */
  explainFailure?(kindPath: string | undefined): Promise<string[]>;
}

export async function runUp(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { ref } = parseLabArgs("up", argv, io, deps.root);
  const lab = await loadLabStackOrReport(ref, io, "up");
  if (typeof lab === "number") return lab;
  if (!reportCollisions(stackFileProblems(lab, deps.root), io, "up", ref.source)) return 2;
  const target = upTarget(ref, lab, io, deps);

  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  progress.step("checking prerequisites");
  const pre = await target.preflight(deps.host, (line) => progress.line(line));
  if (!reportPreflight(pre, io, "up")) {
    progress.finish();
    return 2;
  }
  if (!(await noMachineCollisions(ref, lab, pre, progress, io, deps))) return 2;
  const deployed = await deployLab(ref, target, pre, progress, io, deps);
  if (typeof deployed === "number") return deployed;
  // The lab proves itself: its assertions ran during the update; show what they found.
  const verified = await target.verify(deployed);
  if (typeof verified === "string") {
    io.stdout(`verify: ${verified}\n`);
    return 0;
  }
  return verified;
}

/**
 * `pulumi up` of a lab whose prerequisites passed: plugins first, progress while it runs, then its
 * outputs — or the exit code after saying what went wrong (1 the update failed, 2 a plugin could not
 * be installed, 130 cancelled with Ctrl-C). `listen` sees every engine event too (e2e times the
 * phases from them).
 */
export async function deployLab(
  ref: StackRef,
  target: UpTarget,
  pre: Preflight,
  progress: Progress,
  io: Io,
  deps: LabCommandDeps,
  listen?: (event: EngineEvent) => void,
): Promise<OutputMap | number> {
  const opts = labWorkspace(ref.name, deps, pre);
  const ctrlC = onCtrlC(io, "up", { what: `'cnilab up ${ref.name}' goes on from there`, ...deps.interrupt });
  let result;
  try {
    progress.step(`selecting stack ${ref.name} in ${backendUrl(opts)}`);
    const lab = (await openLabStack(opts, true))!;
    const plugins = await ensurePlugins(lab.workspace, target.plugins);
    if ("failed" in plugins) {
      progress.finish();
      io.stderr(
        `cnilab up: missing prerequisite: the Pulumi plugin ${plugins.failed.name} v${plugins.failed.version} is not installed and could not be installed ` +
          `(offline?): ${plugins.message}. Fix: when online, run '${installCommand(plugins.failed)}' (or copy ~/.pulumi/plugins from a machine that has it), then 'cnilab up ${ref.name}' again.\n`,
      );
      return 2;
    }
    if (plugins.installed.length > 0) io.stdout(`Installed Pulumi plugins: ${plugins.installed.map((p) => `${p.name} v${p.version}`).join(", ")}.\n`);
    // Without a refresh Pulumi diffs against its state and finds nothing to do. The refresh drops the
    // cluster (the kind provider's read) and its objects (the Kubernetes provider has deleteUnreachable,
    // components/lab.ts), so the update creates them again. Not on every up: a refresh reads every object.
    const gone = lab.created ? [] : await target.gone(deps.host, pre);
    if (gone.length > 0) io.stdout(`Gone since the last up (removed by hand?): ${gone.join(", ")}. Refreshing the state first, so up builds it again.\n`);
    // A Ctrl-C while the stack was selected or plugins installed: nothing was changed yet, so stop here.
    if (ctrlC.interrupted) throw new Error("interrupted before the update");
    progress.step(`creating lab ${ref.name}`, target.resources);
    const onEvent = listen
      ? (event: EngineEvent) => {
          progress.onEvent(event);
          listen(event);
        }
      : progress.onEvent;
    result = await lab.stack.up({ onEvent, signal: ctrlC.signal, configFile: lab.configFile, refresh: gone.length > 0 });
    progress.finish();
  } catch (err) {
    progress.finish();
    if (ctrlC.interrupted) {
      io.stderr(
        `cnilab up: ${ref.name}: cancelled after ${progress.elapsed()}. Pulumi stopped cleanly and recorded what it made; ` +
          `'cnilab up ${ref.name}' goes on from there, 'cnilab down ${ref.name}' removes it.\n`,
      );
      return INTERRUPTED_EXIT;
    }
    const lines = pulumiFailure(err, progress.errors);
    const why = (await target.explainFailure?.(pre.kindPath)) ?? [];
    io.stderr(
      `cnilab up: ${ref.name} failed after ${progress.elapsed()}:\n${lines.map((l) => `  ${l}\n`).join("")}` +
        (why.length > 0 ? `cnilab up: the CNI readiness Job stopped here:\n${why.map((l) => `  ${l}\n`).join("")}` : "") +
        `cnilab up: what was created stays: fix the cause and run 'cnilab up ${ref.name}' again, or remove it all with 'cnilab down ${ref.name}'.\n`,
    );
    return 1;
  } finally {
    ctrlC.dispose();
  }
  const listed = Object.fromEntries(Object.entries(result.outputs).filter(([key]) => key !== target.reportOutput));
  io.stdout(
    `\nLab ${ref.name} is up (${progress.elapsed()}).\n${renderOutputs(listed)}\n` +
      `${target.hints.map((h) => `${h}\n`).join("")}Remove it all: cnilab down ${ref.name}\n\n`,
  );
  return result.outputs;
}

/**
 * False (after saying why) when a kind cluster or Docker network on the machine that is not this
 * stack's has its name or subnet. The stack is selected, not created: a refused stack leaves no trace
 * in the backend or in its settings file.
 */
async function noMachineCollisions(ref: StackRef, lab: LabStack, pre: Preflight, progress: Progress, io: Io, deps: LabCommandDeps): Promise<boolean> {
  progress.step("checking the machine for a cluster or network of another lab");
  const opts = labWorkspace(ref.name, deps, pre);
  try {
    const collisions = await machineProblems(lab, hostDocker(deps.host), await recordedOf((await openLabStack(opts, false))?.stack));
    if (collisions.length === 0) return true;
    progress.finish();
    return reportCollisions(collisions, io, "up", ref.source);
  } catch (err) {
    progress.finish();
    io.stderr(`cnilab up: ${ref.name}: cannot check the machine for other labs: ${pulumiFailure(err, []).join("\n  ")}\n`);
    return false;
  }
}

/** What `up` builds for the stack's kind of lab. */
export function upTarget(ref: StackRef, lab: LabStack, io: Io, deps: LabCommandDeps): UpTarget {
  return lab.kind === "docker" ? dockerUp(ref, lab.spec, io) : clusterUp(ref, lab.spec, io, deps);
}

/** A kind lab: every doctor check for its backend and size; the assertion Jobs' logs, read from the cluster. */
function clusterUp(ref: StackRef, spec: Spec, io: Io, deps: LabCommandDeps): UpTarget {
  const plan = planLab(spec);
  const cluster = plan.kindConfig.name;
  return {
    preflight: (host, say) =>
      preflightUp(
        host,
        { backends: [spec.stack.backend], workers: spec.stack.workers, kubernetesMinor: kubernetesMinor(spec.stack.nodeImage) ?? DEFAULT_KUBERNETES_MINOR },
        say,
      ),
    resources: plannedResourceCount(plan),
    plugins: pluginsFor("cluster"),
    gone: async (host, pre) => {
      const listed = await host.run(pre.kindPath!, ["get", "clusters"], 60_000);
      const names = listed.stdout.split("\n").map((l) => l.trim());
      return listed.code === 0 && !names.includes(cluster) ? [`kind cluster ${cluster}`] : [];
    },
    hints: [`kubectl: kind added context kind-${cluster} to your kubeconfig: kubectl --context kind-${cluster} get pods -A`],
    verify: (outputs) => showVerifyFromOutputs(ref.name, plan.backend, outputs, io, deps, {}),
    explainFailure: async (kindPath) => (kindPath ? readinessFailure(kindPath, cluster, deps.host.env) : []),
  };
}

export const upCommand: Command = {
  name: "up",
  summary: "build a lab stack (kind cluster, CNI, workloads, policies) with progress",
  help: UP_HELP,
  run: (argv, io) => runUp(argv, io),
};
