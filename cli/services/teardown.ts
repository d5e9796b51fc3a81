/**
 * Taking a lab stack down, shared by `down` and `e2e`: `pulumi destroy`, then whatever of the stack
 * is still on the machine and is its own (host/ownership.ts), then a second destroy after a failed
 * first. A stack file that does not validate does not stop it.
 */
import { exitCode } from "../exit";
import { isDockerLab } from "../../docker";
import type { Spec } from "../../labs";
import { planLab } from "../../plan";
import { identityText } from "../../host/identity";
import { kindClusters, readDockerView } from "../../host/docker-view";
import type { Host } from "../../host/host";
import { clusterOwnerText, ownedBy, recordedNames, type Recorded } from "../../host/ownership";
import { preflightDown, type Preflight, type Say } from "../../host/preflight";
import { hostDocker } from "../claims";
import type { Io } from "../command";
import { labWorkspace, type LabCommandDeps } from "../deps";
import { Leftovers, dockerDown, type Found } from "../docker-leftovers";
import { onCtrlC, type Interruptible } from "../interrupt";
import { Progress } from "../progress";
import { backendUrl, isLockedError, openLabStack, pulumiFailure, type OpenedStack } from "../pulumi";
import type { LabStack, StackRef, UnreadableStack } from "../stack-arg";
import { checkPrerequisites } from "./checks";
import { workshopDown } from "./workshop-stack";
import { isWorkshopStack } from "../../workshop/stack";

/** What `down` does differently for a kind-cluster lab and a Docker-only lab. */
export interface DownTarget {
  /** The checks `down` cannot do without (fetching a missing tool first, told through `say`). */
  preflight(host: Host, say: Say): Promise<Preflight>;
  /** Removes what of the stack is still there (`found.owned`) and names what is someone else's. */
  removeLeftovers(left: Leftovers, pre: Preflight, found: Found): Promise<void>;
}

/**
 * Everything of the lab stack removed, as DOWN_HELP says; the exit code. A stack file that does not
 * validate (`UnreadableStack`) is said and does not stop it.
 */
export async function downLab(ref: StackRef, lab: LabStack | UnreadableStack, io: Io, deps: LabCommandDeps, options: { force: boolean }): Promise<number> {
  const target = downTarget(ref, lab, io, deps);
  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  const pre = await checkPrerequisites(target, deps.host, progress, io, "down");
  if (!pre) return exitCode("missing-prerequisite");
  const opts = labWorkspace(ref.name, deps, pre);
  const url = backendUrl(opts);
  const report: string[] = [];
  const ctrlC = onCtrlC(io, "down", { what: `'cnilab down ${ref.name}' finishes the job`, ...deps.interrupt });
  try {
    progress.step(`selecting stack ${ref.name} in ${url}`);
    const stack = await openLabStack(opts, false);
    let failure: unknown;
    // Read before the destroy empties it: what the state recorded is the stack's, whatever its labels.
    const deployment = await exportedDeployment(stack?.stack);
    const recorded = recordedNames(deployment);
    const count = recordedResources(deployment);
    if (!stack) {
      report.push(`Pulumi: no stack ${ref.name} in ${url}, nothing recorded to destroy.`);
    } else {
      if (options.force) await stack.stack.cancel().catch(() => undefined);
      if (ctrlC.interrupted) return cancelled(io, ref.name, progress);
      failure = await destroy(stack, progress, false, count, ctrlC);
      if (ctrlC.interrupted) return cancelled(io, ref.name, progress);
      if (failure && isLockedError(failure)) {
        progress.finish();
        io.stderr(
          `cnilab down: stack ${ref.name} is locked by another update. If no other up/down of it is running ` +
            `(an up was killed), run 'cnilab down ${ref.name} --force'.\n`,
        );
        return exitCode("failed");
      }
      if (!failure) report.push(`Pulumi: destroyed stack ${ref.name} (${progress.resourcesDone} resources).`);
    }
    progress.step("removing leftovers");
    const leftovers = new Leftovers(deps.host);
    await target.removeLeftovers(leftovers, pre, await findOwned(ref.name, deps.host, recorded));
    report.push(...leftovers.lines);
    if (stack && failure) {
      progress.step(`destroying ${ref.name} again, refreshing its state first`);
      failure = await destroy(stack, progress, true, count, ctrlC);
      if (ctrlC.interrupted) return cancelled(io, ref.name, progress);
      if (failure) {
        const lines = pulumiFailure(failure, progress.errors);
        report.push(`Pulumi: destroying stack ${ref.name} failed:`, ...lines.map((l) => `  ${l}`));
      } else {
        report.push(`Pulumi: destroyed stack ${ref.name} on the second attempt (${progress.resourcesDone} resources).`);
      }
    }
    progress.finish();
    io.stdout(`\n${report.join("\n")}\nDone in ${progress.elapsed()}.\n`);
    return exitCode(failure || !leftovers.ok ? "failed" : "ok");
  } catch (err) {
    progress.finish();
    if (ctrlC.interrupted) return cancelled(io, ref.name, progress);
    io.stderr(`cnilab down: ${ref.name}: ${pulumiFailure(err, progress.errors).join("\n  ")}\n`);
    return exitCode("failed");
  } finally {
    ctrlC.dispose();
  }
}

function cancelled(io: Io, stack: string, progress: Progress): number {
  progress.finish();
  io.stderr(`cnilab down: ${stack}: cancelled after ${progress.elapsed()}; Pulumi stopped cleanly and recorded what is left. 'cnilab down ${stack}' finishes the job.\n`);
  return exitCode("interrupted");
}

/** The destroy's error, or undefined when it succeeded. */
async function destroy(lab: OpenedStack, progress: Progress, refresh: boolean, resources: number, ctrlC: Interruptible): Promise<unknown> {
  const { stack } = lab;
  progress.step(`destroying stack ${stack.name}${refresh ? " (refresh first)" : ""}`, resources);
  try {
    await stack.destroy({ onEvent: progress.onEvent, refresh, signal: ctrlC.signal, configFile: lab.configFile });
    return undefined;
  } catch (err) {
    return err;
  }
}

/** `pulumi stack export`'s deployment; undefined without a stack or when it cannot be read. */
async function exportedDeployment(stack: OpenedStack["stack"] | undefined): Promise<unknown> {
  try {
    return stack ? (await stack.exportStack()).deployment : undefined;
  } catch {
    return undefined;
  }
}

/** Resources in the stack's state, counted as the progress counts them. */
function recordedResources(deployment: unknown): number {
  const resources = (deployment as { resources?: { custom?: boolean; type: string }[] } | undefined)?.resources ?? [];
  return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
}

/**
 * How to take the stack down: by its lab's kind; a stack file that does not validate is said and
 * does not stop `down` (the kind then comes from its `cnilab:lab` if readable, else a kind lab).
 */
function downTarget(ref: StackRef, lab: LabStack | UnreadableStack, io: Io, deps: LabCommandDeps): DownTarget {
  if (lab.kind === "workshop") return workshopDown(lab.plan.workshop, deps);
  if (lab.kind === "docker") return dockerDown(lab.spec);
  if (lab.kind === "cluster") return clusterDown(lab.spec);
  io.stderr(
    `cnilab down: ${lab.error.message}\n` +
      `cnilab down: going on without it: destroying what the state recorded and removing what carries this stack's labels (${identityText(ref.name)}).\n`,
  );
  const named = lab.raw?.lab;
  if (lab.raw && isWorkshopStack(lab.raw)) return workshopDown(typeof lab.raw.workshop === "string" ? lab.raw.workshop : undefined, deps);
  return typeof named === "string" && isDockerLab(named) ? dockerDown(undefined) : clusterDown(undefined);
}

async function findOwned(stack: string, host: Host, recorded: Recorded): Promise<Found> {
  const view = await readDockerView(hostDocker(host));
  return { stack, view, owned: ownedBy(stack, view, recorded) };
}

/** A kind lab: Docker, kind and Pulumi; the stack's kind clusters, then its Docker networks. */
function clusterDown(spec: Spec | undefined): DownTarget {
  const plan = spec ? planLab(spec) : undefined;
  const expected = plan?.kindConfig.name;
  return {
    preflight: preflightDown,
    removeLeftovers: async (left, pre, found) => {
      for (const c of found.owned.clusters) await left.remove(`kind cluster ${c}`, pre.kindPath!, ["delete", "cluster", "--name", c]);
      if (expected !== undefined && !found.owned.clusters.includes(expected)) {
        if (!kindClusters(found.view).includes(expected)) left.lines.push(`No kind cluster ${expected} left.`);
        else left.lines.push(`kind cluster ${expected} exists but is not this stack's (${clusterOwnerText(expected, found.view)}): left alone.`);
      }
      // The cluster's nodes are gone now, so Docker lets the network go.
      await left.networks(found, found.owned.networks, plan ? [plan.network.name] : []);
    },
  };
}

