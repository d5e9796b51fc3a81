/**
 * What `cnilab doctor --backend X` checks for: a kind-cluster backend, or a Docker-only lab by its
 * stack's name (docker-<driver>), whose checks are Docker's and its driver's, not kind's.
 */
import { BACKENDS, type Backend } from "../backends";
import { DOCKER_DRIVERS, DRIVER_FACTS, type DockerDriver } from "../docker";
import { didYouMean } from "../labs/errors";
import { UsageError } from "./command";
import type { DoctorReport } from "./doctor";
import { checkDocker } from "./doctor-docker";
import type { Host } from "./doctor-host";
import { readKernelInventory } from "../host/kernel";
import { checkModule } from "./doctor-kernel";
import { checkNode, packageInfo } from "./doctor-node";
import { toolCheck } from "./doctor-tools";
import { checkPlugins } from "./pulumi-plugins";
import { locateTool } from "./tools";

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

/**
 * A Docker-only lab's checks: Node, Docker, Pulumi and its plugins, and the driver's link type in the
 * kernel (as `up` checks it, doctor-preflight.ts); no kind, no cluster sizing.
 */
export async function runDockerChecks(host: Host, driver: DockerDriver): Promise<DoctorReport> {
  const [docker, located] = await Promise.all([checkDocker(host), locateTool(host, "pulumi")]);
  const pulumi = toolCheck(host, located);
  const link = DRIVER_FACTS[driver].linkType;
  const checks = [
    checkNode(host.node ?? process.versions.node, packageInfo().engines?.node),
    docker.check,
    pulumi.check,
    ...(pulumi.path && pulumi.check.status !== "fail" ? [await checkPlugins(host, pulumi.path, "docker")] : []),
    // The bridge driver's veth pairs are what every Docker network uses: a working Docker proves them.
    ...(link === "veth" ? [] : [checkModule(host, readKernelInventory(host), link, `the ${driver} driver`, true)]),
  ];
  return { checks, pulumiPath: pulumi.path, tools: [located] };
}
