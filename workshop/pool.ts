/**
 * Each participant's own addresses: a /24 node network from the workshop's pool and an API server
 * port, both by the participant's position in the file, so adding one at the end moves nobody.
 * Pure.
 */
import { formatCidr, overlaps, parseCidr, subnet, type Cidr } from "../ip/cidr";

/**
 * Docker's default address pools, which `docker network create` without --subnet (compose, kind's own
 * "kind" network) draws from: local scope 172.17.0.0/16 … 172.31.0.0/16 as /16s and 192.168.0.0/16 as
 * /20s; global scope (swarm overlays) 10.0.0.0/8 as /24s (moby v20.10.24
 * vendor/github.com/docker/libnetwork/ipamutils/utils.go, `localScopeDefaultNetworks` and
 * `globalScopeDefaultNetworks`).
 * A pool overlapping them could meet a network Docker numbered by itself.
 */
export const DOCKER_DEFAULT_POOLS: readonly string[] = ["172.17.0.0/16", "172.18.0.0/15", "172.20.0.0/14", "172.24.0.0/13", "192.168.0.0/16", "10.0.0.0/8"];

/** The clusters' own pod and service subnets (the lab stacks' defaults, labs/schema.ts), which a node network must miss. */
export const CLUSTER_SUBNETS: readonly string[] = ["10.244.0.0/16", "10.96.0.0/16"];

/** Every participant's node network is a /24 (a kind network needs room for nodes and the gateway only). */
export const NODE_NETWORK_PREFIX = 24;

/** Why the pool cannot be used, or undefined: not a CIDR, too small for /24s, overlapping a reserved range. */
export function poolProblem(text: string): string | undefined {
  const pool = parseCidr(text);
  if (typeof pool === "string") return pool;
  if (pool.prefix > NODE_NETWORK_PREFIX) return `${formatCidr(pool)} is smaller than one /${NODE_NETWORK_PREFIX}; each participant needs a /${NODE_NETWORK_PREFIX}`;
  const hit = [...DOCKER_DEFAULT_POOLS, ...CLUSTER_SUBNETS].find((r) => overlaps(pool, parseCidr(r) as Cidr));
  if (!hit) return undefined;
  const what = CLUSTER_SUBNETS.includes(hit) ? "the clusters' pod or service subnet" : "one of Docker's default address pools";
  return `${formatCidr(pool)} overlaps ${hit}, ${what}; use a range outside ${[...DOCKER_DEFAULT_POOLS, ...CLUSTER_SUBNETS].join(", ")}`;
}

/** How many participants the pool holds. */
export function poolSize(pool: Cidr): number {
  return 2 ** (NODE_NETWORK_PREFIX - pool.prefix);
}

/** Participant `index`'s node network: the index-th /24 of the pool. */
export function participantSubnet(pool: Cidr, index: number): string {
  return formatCidr(subnet(pool, NODE_NETWORK_PREFIX, index));
}

/** Participant `index`'s API server port on its host. */
export function participantApiPort(base: number, index: number): number {
  return base + index;
}
