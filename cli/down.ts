/**
 * `cnilab down <stack>`: destroy the stack, then make sure nothing of the lab is left, whatever state
 * an earlier `up` died in. Pulumi's state can miss what a killed `up` was creating, so after
 * `pulumi destroy` the kind cluster and the lab's Docker network (a Docker-only lab's containers and
 * networks) are looked up by name and removed if they still exist; a destroy that failed is retried once, refreshing the state first (a cluster
 * that is gone then drops out of it).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import type { Spec } from "../labs";
import { planLab } from "../plan";
import type { Command, Io } from "./command";
import type { Host } from "./doctor-host";
import { Leftovers, dockerDown } from "./docker-leftovers";
import { preflightDown, reportPreflight, type Preflight, type Say } from "./doctor-preflight";
import { Progress } from "./progress";
import { BACKEND_SUBDIR, backendUrl, isLockedError, openLabStack, pulumiFailure, type OpenedStack } from "./pulumi";
import { INTERRUPTED_EXIT, onCtrlC, type Interruptible } from "./interrupt";
import { loadLabStackOrReport, type LabStack, type StackRef } from "./stack-arg";
import { defaultDeps, parseLabArgs, type LabCommandDeps } from "./up";

export const DOWN_HELP = `Usage: cnilab down <stack> [--force]

Removes everything \`cnilab up <stack>\` made — the kind cluster, the lab's Docker network and every
object in the cluster — also after an \`up\` that failed or was killed halfway:
  1. \`pulumi destroy\` of the stack (state in <state>/${BACKEND_SUBDIR}/ or PULUMI_BACKEND_URL, passphrase as
     for up);
  2. then, by name: \`kind delete cluster --name <cluster>\` and \`docker network rm <network>\` for
     whatever is still there (a network of that name on another subnet is left alone);
  3. if step 1 failed, \`pulumi destroy --refresh\` once more, now that the leftovers are gone.
It says what it removed. Running it again when nothing is left is fine. Ctrl-C asks Pulumi to
cancel the destroy cleanly (a second Ctrl-C stops at once); step 2 then does not run.

A Docker-only stack (docker-*) has no cluster and needs no kind: step 2 removes its containers
(\`docker rm -f\`, only those carrying the lab's labels) and then its networks, lab networks before
the parent bridge they hang off.

Options
  --force      the stack is locked by an \`up\` that was killed: clear the lock (\`pulumi cancel\`)
               first. Only when no other up/down of this stack is running.
  -h, --help   this text

kind and Pulumi are found as for up; one found nowhere is fetched first, as \`cnilab setup\` does.

Exit status: 0 nothing of the lab is left; 1 something could not be removed (the message says what);
2 bad usage, invalid stack, or a missing prerequisite (Docker, kind for kind labs, Pulumi);
130 cancelled with Ctrl-C.

Examples
  cnilab down flannel-vxlan
  cnilab down docker-macvlan
`;

/** What `down` does differently for a kind-cluster lab and a Docker-only lab. */
export interface DownTarget {
  /** The checks `down` cannot do without (fetching a missing tool first, told through `say`). */
  preflight(host: Host, say: Say): Promise<Preflight>;
  /** Finds what of the lab is still there by name and removes it. */
  removeLeftovers(left: Leftovers, pre: Preflight): Promise<void>;
}

export async function runDown(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { ref, flags } = parseLabArgs("down", argv, io, deps.root, { force: { type: "boolean" } });
  const lab = await loadLabStackOrReport(ref, io, "down");
  if (typeof lab === "number") return lab;
  return downLab(ref, lab, io, deps, { force: flags.force === true });
}

/** Everything of a validated lab stack removed, as DOWN_HELP says; the exit code. */
export async function downLab(ref: StackRef, lab: LabStack, io: Io, deps: LabCommandDeps, options: { force: boolean }): Promise<number> {
  const target = lab.kind === "docker" ? dockerDown(lab.spec) : clusterDown(lab.spec);
  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  progress.step("checking prerequisites");
  const pre = await target.preflight(deps.host, (line) => progress.line(line));
  if (!reportPreflight(pre, io, "down")) {
    progress.finish();
    return 2;
  }
  const opts = { root: deps.root, stackName: ref.name, env: deps.host.env, cwd: deps.host.cwd, pulumiPath: pre.pulumiPath!, kindPath: pre.kindPath };
  const url = backendUrl(opts);
  const report: string[] = [];
  const ctrlC = onCtrlC(io, "down", { what: `'cnilab down ${ref.name}' finishes the job`, ...deps.interrupt });
  try {
    progress.step(`selecting stack ${ref.name} in ${url}`);
    const stack = await openLabStack(opts, false);
    let failure: unknown;
    if (!stack) {
      report.push(`Pulumi: no stack ${ref.name} in ${url}, nothing recorded to destroy.`);
    } else {
      if (options.force) await stack.stack.cancel().catch(() => undefined);
      if (ctrlC.interrupted) return cancelled(io, ref.name, progress);
      failure = await destroy(stack, progress, false, ctrlC);
      if (ctrlC.interrupted) return cancelled(io, ref.name, progress);
      if (failure && isLockedError(failure)) {
        progress.finish();
        io.stderr(
          `cnilab down: stack ${ref.name} is locked by another update. If no other up/down of it is running ` +
            `(an up was killed), run 'cnilab down ${ref.name} --force'.\n`,
        );
        return 1;
      }
      if (!failure) report.push(`Pulumi: destroyed stack ${ref.name} (${progress.resourcesDone} resources).`);
    }
    progress.step("removing leftovers");
    const leftovers = new Leftovers(deps.host);
    await target.removeLeftovers(leftovers, pre);
    report.push(...leftovers.lines);
    if (stack && failure) {
      progress.step(`destroying ${ref.name} again, refreshing its state first`);
      failure = await destroy(stack, progress, true, ctrlC);
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
    return failure || !leftovers.ok ? 1 : 0;
  } catch (err) {
    progress.finish();
    if (ctrlC.interrupted) return cancelled(io, ref.name, progress);
    io.stderr(`cnilab down: ${ref.name}: ${pulumiFailure(err, progress.errors).join("\n  ")}\n`);
    return 1;
  } finally {
    ctrlC.dispose();
  }
}

function cancelled(io: Io, stack: string, progress: Progress): number {
  progress.finish();
  io.stderr(`cnilab down: ${stack}: cancelled after ${progress.elapsed()}; Pulumi stopped cleanly and recorded what is left. 'cnilab down ${stack}' finishes the job.\n`);
  return INTERRUPTED_EXIT;
}

/** The destroy's error, or undefined when it succeeded. */
async function destroy(lab: OpenedStack, progress: Progress, refresh: boolean, ctrlC: Interruptible): Promise<unknown> {
  const { stack } = lab;
  progress.step(`destroying stack ${stack.name}${refresh ? " (refresh first)" : ""}`, await recordedResources(stack));
  try {
    await stack.destroy({ onEvent: progress.onEvent, refresh, signal: ctrlC.signal, configFile: lab.configFile });
    return undefined;
  } catch (err) {
    return err;
  }
}

/** Resources in the stack's state, counted as the progress counts them. */
async function recordedResources(stack: Stack): Promise<number> {
  try {
    const state = await stack.exportStack();
    const resources = (state.deployment as { resources?: { custom?: boolean; type: string }[] }).resources ?? [];
    return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
  } catch {
    return 0;
  }
}

/** A kind lab: Docker, kind and Pulumi; the kind cluster and the lab's Docker network by name. */
function clusterDown(spec: Spec): DownTarget {
  const plan = planLab(spec);
  return {
    preflight: preflightDown,
    removeLeftovers: async (left, pre) => {
      const cluster = plan.kindConfig.name;
      const clusters = await left.run(pre.kindPath!, ["get", "clusters"]);
      const listed = clusters.stdout.split("\n").map((l) => l.trim());
      if (listed.includes(cluster)) await left.remove(`kind cluster ${cluster}`, pre.kindPath!, ["delete", "cluster", "--name", cluster]);
      else left.lines.push(`No kind cluster ${cluster} left.`);
      await left.network(plan.network.name, plan.network.subnet);
    },
  };
}

export const downCommand: Command = {
  name: "down",
  summary: "remove a lab stack completely, also after a failed or killed up",
  help: DOWN_HELP,
  run: (argv, io) => runDown(argv, io),
};
