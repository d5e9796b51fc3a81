/**
 * What on the machine is this stack's, as pure functions of what Docker shows (docker-view.ts) and
 * what the stack's Pulumi state recorded. Something is the stack's when its state recorded it, or
 * when it carries the stack's identity: a network or container by its labels, a kind cluster when
 * every node container sits on one of the stack's networks (kind cannot label its nodes for us, but
 * they join the network we made). A name alone never makes anything the stack's.
 */
import { ownerStack } from "./identity";
import { kindClusters, type DockerView, type HostNetwork } from "./docker-view";

/** The Docker and kind names a stack's Pulumi state holds. */
export interface Recorded {
  clusters: string[];
  networks: string[];
  containers: string[];
}

export const NOTHING_RECORDED: Recorded = { clusters: [], networks: [], containers: [] };

/** The kind cluster resource's type, now and before it had its own (pulumi/pulumi#11873). */
const KIND_TYPES = ["pulumi-nodejs:dynamic/cnilab:KindCluster", "pulumi-nodejs:dynamic:Resource"];
/** A Docker network: a cluster stack's own (components/cluster/network.ts), or @pulumi/docker's (Docker-only labs; cluster stacks before). */
const NETWORK_TYPES = ["pulumi-nodejs:dynamic/cnilab:DockerNetwork", "docker:index/network:Network"];

interface StateResource {
  type?: string;
  outputs?: Record<string, unknown>;
}

/** Reads the names out of `pulumi stack export`'s deployment (resources[].type/outputs). */
export function recordedNames(deployment: unknown): Recorded {
  const resources = ((deployment as { resources?: StateResource[] } | undefined)?.resources ?? []).filter((r) => r && typeof r === "object");
  const names = (pick: (r: StateResource) => unknown) =>
    resources.map(pick).filter((n): n is string => typeof n === "string" && n !== "");
  return {
    clusters: names((r) => (KIND_TYPES.includes(r.type ?? "") ? r.outputs?.clusterName : undefined)),
    networks: names((r) => (NETWORK_TYPES.includes(r.type ?? "") ? r.outputs?.name : undefined)),
    containers: names((r) => (r.type === "docker:index/container:Container" ? r.outputs?.name : undefined)),
  };
}

export interface Owned {
  clusters: string[];
  networks: HostNetwork[];
  containers: string[];
}

export function ownedBy(stack: string, view: DockerView, recorded: Recorded): Owned {
  const networks = view.networks.filter((n) => ownerStack(n.labels) === stack || recorded.networks.includes(n.name));
  const ours = new Set(networks.map((n) => n.name));
  const clusters = kindClusters(view).filter(
    (c) => recorded.clusters.includes(c) || view.kindNodes.filter((n) => n.cluster === c).every((n) => n.networks.some((net) => ours.has(net))),
  );
  const containers = view.containers.filter((c) => c.stack === stack || recorded.containers.includes(c.name)).map((c) => c.name);
  return { clusters, networks, containers };
}

/** Whose a network is, for messages: "stack <s>'s", or that it carries no cnilab identity. */
export function networkOwnerText(n: HostNetwork): string {
  const owner = ownerStack(n.labels);
  return owner ? `stack ${owner}'s` : "not made by a cnilab stack (no io.cnilab.* labels)";
}

/** Whose a kind cluster is, from the networks its nodes sit on. */
export function clusterOwnerText(cluster: string, view: DockerView): string {
  const nets = [...new Set(view.kindNodes.filter((n) => n.cluster === cluster).flatMap((n) => n.networks))];
  const owners = [...new Set(nets.map((name) => view.networks.find((n) => n.name === name)).flatMap((n) => (n ? [ownerStack(n.labels)] : [])))];
  const stacks = owners.filter((o): o is string => o !== undefined);
  const on = `its nodes are on Docker network ${nets.join(", ") || "(none)"}`;
  return stacks.length > 0 ? `${on}, stack ${stacks.join(", ")}'s` : `${on}, not this stack's`;
}
