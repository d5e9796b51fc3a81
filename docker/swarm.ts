/**
 * Swarm mode for the overlay driver, as plain data: @pulumi/docker 5.2 has no resource that
 * initialises a swarm (its Service, Secret and ServiceConfig need one to exist), so the lab's own
 * dynamic resource (components/docker/swarm-provider.ts) runs `docker swarm init` and, on destroy,
 * `docker swarm leave --force` — only for a swarm it made, recognised by the labels it put on its node.
 */
import { identityLabels } from "../host/identity";
import type { DockerStack } from "./spec";

/** Every address swarm mode uses stays on loopback, so nothing of the lab listens on or leaves by the uplink. */
export const SWARM_LOOPBACK = "127.0.0.1";
/**
 * On the swarm's node when `docker swarm init` made docker_gwbridge (it did not exist before), so
 * that whoever leaves the swarm removes it again (the provider restates it: it imports nothing).
 */
export const GWBRIDGE = { network: "docker_gwbridge", madeLabel: "io.cnilab.docker-gwbridge", made: "made" } as const;

/** Docker's swarm manager port (docker swarm init --listen-addr, default 0.0.0.0:2377). */
export const SWARM_MANAGER_PORT = 2377;

export interface SwarmPlan {
  /** The Pulumi resource name. */
  name: string;
  /** `--advertise-addr`: the address other nodes would reach this manager at. */
  advertiseAddress: string;
  /** `--listen-addr`: where the manager listens (default 0.0.0.0:2377, every interface). */
  listenAddress: string;
  /** `--data-path-addr`: the address VXLAN traffic to other nodes would leave from. */
  dataPathAddress: string;
  /** Put on the swarm's node: what tells a swarm this stack made from anyone else's. */
  nodeLabels: Record<string, string>;
}

export function planSwarm(stack: DockerStack): SwarmPlan {
  return {
    name: `${stack.name}-swarm`,
    advertiseAddress: SWARM_LOOPBACK,
    listenAddress: `${SWARM_LOOPBACK}:${SWARM_MANAGER_PORT}`,
    dataPathAddress: SWARM_LOOPBACK,
    nodeLabels: swarmNodeLabels(stack.stackName),
  };
}

/** The labels on the node of a swarm the stack made: its identity (host/identity.ts). */
export function swarmNodeLabels(stackName: string): Record<string, string> {
  return Object.fromEntries(identityLabels(stackName).map((l) => [l.label, l.value]));
}
