/**
 * Names and subnets a stack claims on the machine, and the claims it shares with another stack file
 * or with what already exists in Docker. Pure: `plan` and `up` refuse a stack with any of these
 * before anything is created, naming both sides.
 */
import type { SpecProblem } from "../labs/errors";
import type { Stack } from "../labs/stack";
import { overlaps, parseCidr } from "../ip/cidr";
import { kindClusters, type DockerView } from "./docker-view";
import { clusterOwnerText, networkOwnerText, ownedBy, type Recorded } from "./ownership";

export interface Claim {
  stack: string;
  /** The stack file, for messages. */
  source: string;
  /** The kind cluster's name (kind stacks). */
  cluster?: string;
  /** The Docker networks it makes; `key` is the setting that chose the subnet. */
  networks: { name: string; subnet: string; key: string }[];
}

export function clusterClaim(stack: Stack): Claim {
  return {
    stack: stack.name,
    source: stack.source,
    cluster: stack.clusterName,
    networks: [{ name: stack.clusterName, subnet: stack.nodeSubnet, key: "cnilab:nodeSubnet" }],
  };
}

const overlapping = (a: string, b: string): boolean => {
  const [x, y] = [parseCidr(a), parseCidr(b)];
  return typeof x !== "string" && typeof y !== "string" && overlaps(x, y);
};

/** Another stack file's cluster name, network name or node subnet used by this one too. */
export function fileCollisions(claim: Claim, others: readonly Claim[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const at = (path: string, message: string) => problems.push({ source: claim.source, path, message });
  for (const other of others.filter((o) => o.stack !== claim.stack)) {
    const theirs = `stack ${other.stack} (${other.source})`;
    if (claim.cluster !== undefined && claim.cluster === other.cluster) {
      at("cnilab:clusterName", `'${claim.cluster}' is also the kind cluster of ${theirs}; one would delete or adopt the other's: set a cnilab:clusterName of its own`);
    }
    for (const mine of claim.networks) {
      for (const their of other.networks) {
        if (mine.name === their.name && mine.name !== claim.cluster) {
          at(mine.key, `Docker network '${mine.name}' is also made by ${theirs}; set a cnilab:clusterName of its own`);
        } else if (overlapping(mine.subnet, their.subnet)) {
          at(mine.key, `${mine.subnet} overlaps ${their.key} ${their.subnet} of ${theirs}: Docker allows only one of the two networks at a time; give each stack its own subnet`);
        }
      }
    }
  }
  return problems;
}

/**
 * A kind cluster or Docker network of the claimed name that is not this stack's, and any other
 * network whose subnet overlaps a claimed one (Docker would refuse ours: "Pool overlaps with other
 * one on this address space", as docker network create says).
 */
export function hostCollisions(claim: Claim, view: DockerView, recorded: Recorded): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const at = (path: string, message: string) => problems.push({ source: claim.source, path, message });
  const owned = ownedBy(claim.stack, view, recorded);
  const ownNetworks = new Set(owned.networks.map((n) => n.name));
  if (claim.cluster !== undefined && kindClusters(view).includes(claim.cluster) && !owned.clusters.includes(claim.cluster)) {
    at(
      "cnilab:clusterName",
      `a kind cluster '${claim.cluster}' already exists on this machine and is not this stack's (${clusterOwnerText(claim.cluster, view)}); ` +
        `set another cnilab:clusterName, or remove that cluster through its own stack`,
    );
  }
  for (const mine of claim.networks) {
    for (const n of view.networks.filter((x) => !ownNetworks.has(x.name))) {
      const owner = networkOwnerText(n);
      if (n.name === mine.name) {
        at(mine.key, `Docker network '${n.name}' already exists and is ${owner}; set another cnilab:clusterName, or remove that network`);
        continue;
      }
      const clash = n.subnets.find((s) => overlapping(mine.subnet, s));
      if (clash) {
        at(mine.key, `${mine.subnet} overlaps Docker network '${n.name}' (${clash}), ${owner}: Docker refuses a second network on it ("Pool overlaps"); choose another subnet`);
      }
    }
  }
  return problems;
}
