/**
 * `cnilab down <stack>`: destroy the stack, then make sure nothing of the lab is left, whatever state
 * an earlier `up` died in. Pulumi's state can miss what a killed `up` was creating, so after
 * `pulumi destroy` the kind cluster and the lab's Docker network are looked up by name and removed
 * if they still exist; a destroy that failed is retried once, refreshing the state first (a cluster
 * that is gone then drops out of it).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { planLab, type LabPlan } from "../plan";
import type { Command, Io } from "./command";
import type { Host } from "./doctor-host";
import { preflightDown, reportPreflight } from "./doctor-preflight";
import { Progress } from "./progress";
import { backendUrl, isLockedError, pulumiFailure, selectLabStack, STATE_DIR } from "./pulumi";
import { loadStackSpecOrReport } from "./stack-arg";
import { defaultDeps, parseLabArgs, type LabCommandDeps } from "./up";

const TOOL_TIMEOUT_MS = 5 * 60_000;

export const DOWN_HELP = `Usage: cnilab down <stack> [--force]

Removes everything \`cnilab up <stack>\` made — the kind cluster, the lab's Docker network and every
object in the cluster — also after an \`up\` that failed or was killed halfway:
  1. \`pulumi destroy\` of the stack (state in ${STATE_DIR}/, passphrase as for up);
  2. then, by name: \`kind delete cluster --name <cluster>\` and \`docker network rm <network>\` for
     whatever is still there (a network of that name on another subnet is left alone);
  3. if step 1 failed, \`pulumi destroy --refresh\` once more, now that the leftovers are gone.
It says what it removed. Running it again when nothing is left is fine.

Options
  --force      the stack is locked by an \`up\` that was killed: clear the lock (\`pulumi cancel\`)
               first. Only when no other up/down of this stack is running.
  -h, --help   this text

Exit status: 0 nothing of the lab is left; 1 something could not be removed (the message says what);
2 bad usage, invalid stack, or a missing prerequisite (Docker, kind, Pulumi).

Example
  cnilab down flannel-vxlan
`;

interface DownContext {
  host: Host;
  progress: Progress;
  plan: LabPlan;
  kindPath: string;
}

export async function runDown(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { ref, flags } = parseLabArgs("down", argv, io, deps.root, { force: { type: "boolean" } });
  const spec = await loadStackSpecOrReport(ref, io, "down");
  if (typeof spec === "number") return spec;
  const plan = planLab(spec);
  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  progress.step("checking prerequisites");
  const pre = await preflightDown(deps.host);
  if (!reportPreflight(pre, io, "down")) {
    progress.finish();
    return 2;
  }
  const ctx: DownContext = { host: deps.host, progress, plan, kindPath: pre.kindPath! };
  const url = backendUrl(deps.root, deps.host.env);
  const report: string[] = [];
  try {
    progress.step(`selecting stack ${ref.name} in ${url}`);
    const stack = await selectLabStack({ root: deps.root, stackName: ref.name, env: deps.host.env, pulumiPath: pre.pulumiPath!, kindPath: pre.kindPath });
    let failure: unknown;
    if (!stack) {
      report.push(`Pulumi: no stack ${ref.name} in ${url}, nothing recorded to destroy.`);
    } else {
      if (flags.force) await stack.cancel().catch(() => undefined);
      failure = await destroy(stack, ctx, false);
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
    const leftovers = await removeLeftovers(ctx);
    report.push(...leftovers.lines);
    if (stack && failure) {
      progress.step(`destroying ${ref.name} again, refreshing its state first`);
      failure = await destroy(stack, ctx, true);
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
    io.stderr(`cnilab down: ${ref.name}: ${pulumiFailure(err, progress.errors).join("\n  ")}\n`);
    return 1;
  }
}

/** The destroy's error, or undefined when it succeeded. */
async function destroy(stack: Stack, ctx: DownContext, refresh: boolean): Promise<unknown> {
  ctx.progress.step(`destroying stack ${stack.name}${refresh ? " (refresh first)" : ""}`, await recordedResources(stack));
  try {
    await stack.destroy({ onEvent: ctx.progress.onEvent, refresh });
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

/** What is still there after destroy: found by name, removed, and said. */
async function removeLeftovers(ctx: DownContext): Promise<{ ok: boolean; lines: string[] }> {
  const { host, plan, kindPath } = ctx;
  const cluster = plan.kindConfig.name;
  const network = plan.network.name;
  const lines: string[] = [];
  let ok = true;
  const step = async (what: string, file: string, args: string[]) => {
    const r = await host.run(file, args, TOOL_TIMEOUT_MS);
    if (r.code === 0) lines.push(`Removed the leftover ${what}.`);
    else {
      ok = false;
      lines.push(`Could not remove the leftover ${what}: \`${[file, ...args].join(" ")}\` said: ${(r.stderr || r.stdout).trim().split("\n").pop()}`);
    }
  };

  const clusters = await host.run(kindPath, ["get", "clusters"], TOOL_TIMEOUT_MS);
  const listed = clusters.stdout.split("\n").map((l) => l.trim());
  if (listed.includes(cluster)) await step(`kind cluster ${cluster}`, kindPath, ["delete", "cluster", "--name", cluster]);
  else lines.push(`No kind cluster ${cluster} left.`);

  // The lab's network is the one with this name and the stack's subnet; another is left alone.
  const inspect = await host.run("docker", ["network", "inspect", network, "--format", "{{json .IPAM.Config}}"], TOOL_TIMEOUT_MS);
  if (inspect.code !== 0) {
    lines.push(`No Docker network ${network} left.`);
  } else {
    const subnets = ((JSON.parse(inspect.stdout.trim() || "null") ?? []) as { Subnet?: string }[]).map((c) => c.Subnet);
    if (subnets.includes(plan.network.subnet)) await step(`Docker network ${network}`, "docker", ["network", "rm", network]);
    else lines.push(`Docker network ${network} exists with subnet ${subnets.join(", ") || "none"}, not this stack's ${plan.network.subnet}: left alone.`);
  }
  return { ok, lines };
}

export const downCommand: Command = {
  name: "down",
  summary: "remove a lab stack completely, also after a failed or killed up",
  help: DOWN_HELP,
  run: (argv, io) => runDown(argv, io),
};
