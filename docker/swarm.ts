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
    nodeLabels: Object.fromEntries(identityLabels(stack.stackName).map((l) => [l.label, l.value])),
  };
}
