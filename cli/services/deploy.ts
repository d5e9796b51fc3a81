/**
 * Bringing a lab stack up, shared by `up` and `e2e`: what differs between a kind-cluster lab and a
 * Docker-only lab (UpTarget), the machine checked for another lab's cluster or network, and
 * `pulumi up` with progress, plugins and Ctrl-C.
 */
import { exitCode } from "../exit";
import type { EngineEvent, OutputMap } from "@pulumi/pulumi/automation";
import type { Spec } from "../../labs";
import { kubernetesMinor } from "../../labs/stack";
import { planLab } from "../../plan";
import type { Host } from "../../host/host";
import { DEFAULT_KUBERNETES_MINOR } from "../../host/lab-checks";
import { preflightUp, type Preflight, type Say } from "../../host/preflight";
import { ensurePlugins, installCommand, pluginsFor, type PluginPin } from "../../host/pulumi-plugins";
import { hostDocker, machineProblems, recordedOf, refuseCollisions, stackFileProblems } from "../claims";
import { checkPrerequisites } from "./checks";
import type { Io } from "../command";
import { labWorkspace, type LabCommandDeps } from "../deps";
import { dockerUp } from "../docker-up";
import { onCtrlC } from "../interrupt";
import { renderOutputs } from "../outputs";
import { plannedResourceCount } from "./plan-counts";
import { Progress } from "../progress";
import { backendUrl, openLabStack, pulumiFailure } from "../pulumi";
import { readinessFailure } from "../readiness-failure";
import { loadLabStack, type LabStack, type StackRef } from "../stack-arg";
import { showVerifyFromOutputs } from "./verify-report";
import { workshopUp } from "./workshop-stack";
import { handoutExercises, labExercises } from "../../workshop/exercises";

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
  /**
   * Stack settings for this update only, set after the stack's settings are copied from its file
   * (a workshop's `cnilab:cachesOnly` and `cnilab:chartDirs` during `workshop up --from-bundle`).
   */
  config?: Readonly<Record<string, string>>;
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
    for (const [key, value] of Object.entries(target.config ?? {})) await lab.stack.setConfig(key, { value });
    const plugins = await ensurePlugins(lab.workspace, target.plugins);
    if ("failed" in plugins) {
      progress.finish();
      io.stderr(
        `cnilab up: missing prerequisite: the Pulumi plugin ${plugins.failed.name} v${plugins.failed.version} is not installed and could not be installed ` +
          `(offline?): ${plugins.message}. Fix: when online, run '${installCommand(plugins.failed)}' (or copy ~/.pulumi/plugins from a machine that has it), then 'cnilab up ${ref.name}' again.\n`,
      );
      return exitCode("missing-prerequisite");
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
      return exitCode("interrupted");
    }
    const lines = pulumiFailure(err, progress.errors);
    const why = (await target.explainFailure?.(pre.kindPath)) ?? [];
    io.stderr(
      `cnilab up: ${ref.name} failed after ${progress.elapsed()}:\n${lines.map((l) => `  ${l}\n`).join("")}` +
        (why.length > 0 ? `cnilab up: the CNI readiness Job stopped here:\n${why.map((l) => `  ${l}\n`).join("")}` : "") +
        `cnilab up: what was created stays: fix the cause and run 'cnilab up ${ref.name}' again, or remove it all with 'cnilab down ${ref.name}'.\n`,
    );
    return exitCode("failed");
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
export async function noMachineCollisions(ref: StackRef, lab: LabStack, pre: Preflight, progress: Progress, io: Io, deps: LabCommandDeps): Promise<boolean> {
  progress.step("checking the machine for a cluster or network of another lab");
  const opts = labWorkspace(ref.name, deps, pre);
  let collisions;
  try {
    collisions = await machineProblems(lab, (dockerHost) => hostDocker(deps.host, dockerHost), await recordedOf((await openLabStack(opts, false))?.stack));
  } catch (err) {
    progress.finish();
    io.stderr(`cnilab up: ${ref.name}: cannot check the machine for other labs: ${pulumiFailure(err, []).join("\n  ")}\n`);
    return false;
  }
  if (collisions.length > 0) progress.finish();
  refuseCollisions(collisions, ref.source);
  return true;
}

/** What `up` builds for the stack's kind of lab. */
export function upTarget(ref: StackRef, lab: LabStack, io: Io, deps: LabCommandDeps): UpTarget {
  if (lab.kind === "workshop") return workshopUp(ref, lab.plan, io, deps, async (name) => handoutExercises(await labExercises(name)));
  return lab.kind === "docker" ? dockerUp(ref, lab.spec, io, deps.host) : clusterUp(ref, lab.spec, io, deps);
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


/**
 * `cnilab up <stack>` (and `cnilab workshop up`): validate, refuse collisions with other stack files,
 * check the prerequisites and the machine, `pulumi up`, then show what the lab proves.
 */
export async function bringUp(ref: StackRef, io: Io, deps: LabCommandDeps, options: { config?: Record<string, string>; verify?: boolean } = {}): Promise<number> {
  const lab = await loadLabStack(ref);
  refuseCollisions(stackFileProblems(lab, deps.root), ref.source);
  const target = { ...upTarget(ref, lab, io, deps), ...(options.config ? { config: options.config } : {}) };
  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  const pre = await checkPrerequisites(target, deps.host, progress, io, "up");
  if (!pre) return exitCode("missing-prerequisite");
  if (!(await noMachineCollisions(ref, lab, pre, progress, io, deps))) return exitCode("missing-prerequisite");
  const deployed = await deployLab(ref, target, pre, progress, io, deps);
  if (typeof deployed === "number") return deployed;
  if (options.verify === false) return exitCode("ok");
  // The lab proves itself: its assertions ran during the update; show what they found.
  const verified = await target.verify(deployed);
  if (typeof verified === "string") {
    io.stdout(`verify: ${verified}\n`);
    return exitCode("ok");
  }
  return verified;
}
