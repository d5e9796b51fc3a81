/**
 * The doctor checks that `up` and `down` cannot do without. A failed one stops the command with one
 * line naming the cause and the fix (exit 2), before anything is created or deleted. First, a tool
 * the command needs and that is found nowhere is fetched into the tools folder (`cnilab setup`),
 * each step told through `say`.
 */
import { readKernelInventory } from "./kernel";
import type { Check } from "./check";
import { checkDocker } from "./docker-check";
import type { Host } from "./host";
import { checkModule } from "./kernel-check";
import { checkSwarm } from "./swarm-check";
import { toolCheck } from "./tool-check";
import { linkModule, runChecks, type DockerLink, type DoctorOptions } from "./lab-checks";
import { ensureTools } from "./tools";
import type { ToolName } from "../pins/tools";

/** Where progress lines go while a missing tool is fetched. */
export type Say = (line: string) => void;

export interface Preflight {
  failures: Check[];
  /** Checks that did not pass but do not stop the command: shown, then the command goes on. */
  warnings: Check[];
  /** Every check that ran, passed ones included (what `cnilab doctor` would print). */
  checks: Check[];
  kindPath?: string;
  pulumiPath?: string;
}

/** Without these a lab cannot come up: the tools, a cgroup the node image boots under, the kernel features. */
function fatalForUp(id: string): boolean {
  return ["docker", "docker-cgroup", "kind", "pulumi", "ip-forward"].includes(id) || id.startsWith("kernel-");
}

/** Every doctor check for the stack's backend and size; memory, disk and inotify only warn here. */
export async function preflightUp(host: Host, opts: DoctorOptions, say: Say): Promise<Preflight> {
  const report = await runChecks(host, opts, await ensureTools(host, ["kind", "pulumi"], say));
  return {
    failures: report.checks.filter((c) => c.status === "fail" && fatalForUp(c.id)),
    warnings: report.checks.filter((c) => c.status !== "pass" && !(c.status === "fail" && fatalForUp(c.id))),
    checks: report.checks,
    kindPath: report.kindPath,
    pulumiPath: report.pulumiPath,
  };
}

/** `down` needs Pulumi to destroy the stack and Docker and kind to remove what is left. */
export function preflightDown(host: Host, say: Say): Promise<Preflight> {
  return preflightTools(host, ["kind", "pulumi"], say);
}

/** A Docker-only lab is destroyed and cleaned up with Docker and Pulumi; no kind. */
export function preflightDockerDown(host: Host, say: Say): Promise<Preflight> {
  return preflightTools(host, ["pulumi"], say);
}

/**
 * Bringing a Docker-only lab up also needs its driver's link type (macvlan, ipvlan) in the kernel.
 * The bridge driver's veth pairs are what every Docker container network uses, so a working Docker
 * already proves them.
 */
export async function preflightDockerUp(host: Host, driver: DockerLink, say: Say): Promise<Preflight> {
  const module = linkModule(driver);
  const kernel = module ? [checkModule(host, readKernelInventory(host), module, `the ${driver.name} driver`, true)] : [];
  if (driver.swarmLabels) kernel.push(await checkSwarm(host, driver.swarmLabels));
  return preflightTools(host, ["pulumi"], say, kernel);
}

/** Docker and the given tools (fetched when missing), plus `more`; every failure stops the command. */
export async function preflightTools(host: Host, tools: readonly ToolName[], say: Say, more: Check[] = []): Promise<Preflight> {
  const { located, failed } = await ensureTools(host, tools, say);
  const docker = await checkDocker(host);
  const found = tools.map((t) => toolCheck(host, located[t]!, failed[t]));
  const byTool = Object.fromEntries(tools.map((t, i) => [t, found[i]!]));
  const checks = [docker.check, ...found.map((f) => f.check), ...more];
  return {
    failures: checks.filter((c) => c.status === "fail"),
    warnings: checks.filter((c) => c.status === "warn"),
    checks,
    kindPath: byTool.kind?.path,
    pulumiPath: byTool.pulumi?.path,
  };
}
