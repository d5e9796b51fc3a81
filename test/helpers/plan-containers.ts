import * as path from "node:path";
import { probedServices } from "../../assertions";
import { planAssertionJob } from "../../assertions/jobs";
import { planTargetResolver } from "../../assertions/targets";
import { MEASURED_PAIRS } from "../../datapath/results";
import { loadDockerStackSpec, planDockerLab } from "../../docker";
import { planLab } from "../../plan";
import type { ImageMap } from "../../pins/image-map";
import { planClientJob, planServers } from "../../perf/plan";
import { PERF_MODES, PERF_SETTINGS } from "../../perf/settings";
import type { RunSpec } from "./image-check";
import { clusterStackNames, loadStack, stackNames, STACKS_DIR } from "./stacks";

/**
 * Every container a stack runs, from every planner: the CNI prerequisites (init containers too), the
 * readiness Job, the lab's workloads, the health servers, the probe targets' resolver Job, one
 * assertion Job per client, perf's servers and client Jobs; for a Docker-only stack, its containers.
 */

interface ContainerLike {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
}

/** Every pod template or pod spec in an object tree: containers and init containers, with where they are. */
function podContainers(owner: string, value: unknown, out: RunSpec[]): void {
  if (Array.isArray(value)) {
    for (const v of value) podContainers(owner, v, out);
    return;
  }
  if (!value || typeof value !== "object") return;
  const o = value as Record<string, unknown>;
  const meta = o.metadata as { name?: string; namespace?: string } | undefined;
  const here = typeof o.kind === "string" && meta?.name ? `${o.kind} ${meta.namespace ? `${meta.namespace}/` : ""}${meta.name}` : owner;
  for (const key of ["initContainers", "containers"]) {
    const list = o[key];
    if (!Array.isArray(list)) continue;
    for (const c of list as ContainerLike[]) {
      out.push({ where: `${here} ${key === "initContainers" ? "init " : ""}container ${c.name}`, image: c.image, command: c.command, args: c.args, runtime: "kubernetes" });
    }
  }
  for (const [k, v] of Object.entries(o)) if (k !== "initContainers" && k !== "containers") podContainers(here, v, out);
}

/** With `imageMap`, the stack's plan as that `cnilab:imageMap` makes it. */
export async function clusterStackContainers(stack: string, imageMap: ImageMap = {}): Promise<RunSpec[]> {
  const spec = await loadStack(stack);
  const plan = planLab({ ...spec, stack: { ...spec.stack, imageMap } });
  const out: RunSpec[] = [];
  podContainers(stack, [plan.cni.objects, plan.readiness, plan.workloads, plan.healthObjects], out);
  for (const client of plan.assertions.clients) podContainers(stack, planAssertionJob(client, 1, "/* probe */", "0", plan.imageMap).job, out);
  const services = probedServices(plan.assertions.probes);
  podContainers(stack, planTargetResolver(services, plan.assertions.clients.map((c) => c.namespace), "/* probe */", plan.imageMap).job, out);
  const [, client, server] = plan.nodes;
  const nodes = { client: client!.name, server: (server ?? client)!.name };
  // With and without kubelet probes: the servers differ only there.
  for (const probed of [true, false]) podContainers(stack, Object.values(planServers(nodes, "/* rr */", probed, plan.imageMap)), out);
  const targets = { nodeIp: "172.30.0.3", podIp: "10.244.1.2", clusterIp: "10.96.0.10" };
  for (const mode of PERF_MODES) for (const pair of MEASURED_PAIRS) podContainers(stack, planClientJob(pair, PERF_SETTINGS[mode], nodes, targets, plan.imageMap), out);
  return out;
}

export function dockerStackContainers(stack: string, imageMap: ImageMap = {}): RunSpec[] {
  const spec = loadDockerStackSpec(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`));
  const plan = planDockerLab({ ...spec, stack: { ...spec.stack, imageMap } });
  return plan.containers.map((c) => ({ where: `container ${c.name}`, image: c.image, command: c.command, runtime: "docker" as const }));
}

export const dockerStackNames = (): string[] => stackNames().filter((n) => n.startsWith("docker-"));
