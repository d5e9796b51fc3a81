/**
 * Can this machine run a lab? Every check `cnilab doctor` prints, and the preflight of `up` runs:
 * Node, Docker and its cgroup version, kind, Pulumi and its plugins, the kernel features the
 * backends need, inotify, memory and disk. Read-only: nothing is installed, loaded or created.
 */
import { BACKEND_FACTS, type Backend } from "../backends";
import { stackSchema } from "../labs/schema";
import { KUBERNETES_VERSION } from "../pins";
import { TOOL_NAMES, type ToolName } from "../pins/tools";
import { checkArchitecture } from "./arch-check";
import type { Check } from "./check";
import { checkCgroup, checkDocker } from "./docker-check";
import type { Host } from "./host";
import { readKernelInventory, type KernelFeature } from "./kernel";
import { checkKernel, checkModule } from "./kernel-check";
import { checkNode, packageInfo } from "./node-check";
import { checkPlugins } from "./pulumi-plugins";
import { checkDisk, checkInotify, checkMemory } from "./resources";
import { checkSwarm } from "./swarm-check";
import { toolCheck } from "./tool-check";
import { locateTool, type LocatedTool, type LocatedTools, type ToolFailures } from "./tools";

/** A Docker-only lab's driver as the checks need it: its name, and the link type it makes (docker/drivers.ts). */
export interface DockerLink {
  name: string;
  /** "none": the driver makes no link (host, none). */
  link: "veth" | "none" | KernelFeature;
  /** The driver needs swarm mode: the labels that make a swarm the stack's own (host/swarm-check.ts). */
  swarmLabels?: Record<string, string>;
}

/** The kernel feature a driver's link needs checked; none for veth (a working Docker proves it) or no link. */
export function linkModule(driver: DockerLink): KernelFeature | undefined {
  return driver.link === "veth" || driver.link === "none" ? undefined : driver.link;
}

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
    ...checkArchitecture(docker.info, opts.backends),
    checkInotify(host),
    checkMemory(host, shape),
    await checkDisk(host, shape, docker.info?.rootDir),
  ];
  return { checks, kindPath: kind!.path, pulumiPath: pulumi!.path, tools };
}

/**
 * A Docker-only lab's checks: Node, Docker, Pulumi and its plugins, and the driver's link type in the
 * kernel (as `up` checks it, preflight.ts); no kind, no cluster sizing.
 */
export async function runDockerChecks(host: Host, driver: DockerLink): Promise<DoctorReport> {
  const [docker, located] = await Promise.all([checkDocker(host), locateTool(host, "pulumi")]);
  const pulumi = toolCheck(host, located);
  const checks = [
    checkNode(host.node ?? process.versions.node, packageInfo().engines?.node),
    docker.check,
    pulumi.check,
    ...(pulumi.path && pulumi.check.status !== "fail" ? [await checkPlugins(host, pulumi.path, "docker")] : []),
    // The bridge driver's veth pairs are what every Docker network uses: a working Docker proves them.
    ...(linkModule(driver) ? [checkModule(host, readKernelInventory(host), linkModule(driver)!, `the ${driver.name} driver`, true)] : []),
    ...(driver.swarmLabels ? [await checkSwarm(host, driver.swarmLabels)] : []),
  ];
  return { checks, pulumiPath: pulumi.path, tools: [located] };
}
