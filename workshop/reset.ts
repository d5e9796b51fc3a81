/**
 * What `workshop reset <participant>` touches, as pure functions of the stack's state and of what
 * the participant's cluster lists: that participant's resources only (the descendants of their Lab
 * in the state), and in the lab's namespaces only the objects the lab did not make — neither in the
 * state nor owned by something that is (a Deployment's ReplicaSets and Pods, a Job's Pod).
 */
import type { Lab } from "../labs";
import { LAB_TYPES } from "../plan/resources";
import { WORKSHOP_CHILDREN } from "./plan";

/** The kinds a participant makes while working a lab; what reset looks for in the lab namespaces. */
export const RESETTABLE_KINDS = [
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  { apiVersion: "v1", kind: "Pod" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "v1", kind: "ReplicationController" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "ReplicaSet" },
  { apiVersion: "apps/v1", kind: "DaemonSet" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "batch/v1", kind: "Job" },
] as const;
export type ResettableKind = (typeof RESETTABLE_KINDS)[number]["kind"];

/** Kubernetes publishes the cluster's CA bundle into every namespace under this name (root-ca-cert-publisher). */
const CLUSTER_MADE = new Set(["ConfigMap/kube-root-ca.crt"]);

export interface ListedObject {
  kind: ResettableKind;
  namespace: string;
  name: string;
  /** metadata.ownerReferences is set: a controller made it and removes it with its owner. */
  owned: boolean;
}

/** One resource of `pulumi stack export`'s deployment, the fields reset reads. */
export interface StateResource {
  urn: string;
  type: string;
  parent?: string;
  outputs?: { kind?: string; metadata?: { name?: string; namespace?: string } };
}

/** The participant's Lab and everything under it, by parent links: never a neighbour whose name shares a prefix. */
export function participantResources(resources: readonly StateResource[], participant: string): StateResource[] {
  const root = resources.find((r) => r.type === LAB_TYPES.lab && r.urn.endsWith(`::${WORKSHOP_CHILDREN.lab(participant)}`));
  if (!root) return [];
  const mine = new Set([root.urn]);
  // Parents come before children in a deployment, but do not rely on it: repeat until nothing joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of resources) if (r.parent && mine.has(r.parent) && !mine.has(r.urn)) grew = mine.add(r.urn) !== undefined;
  }
  return resources.filter((r) => mine.has(r.urn));
}

/** The @pulumi/docker container type (the terminal's, components/workshop/terminal.ts). */
const CONTAINER_TYPE = "docker:index/container:Container";

/**
 * The participant's terminal container, when the workshop has terminals: reset replaces it (a fresh
 * home folder, every session and process ended); the token is a sibling resource and stays, so their link does too.
 */
export function terminalContainerUrn(resources: readonly StateResource[], participant: string): string | undefined {
  const parent = resources.find((r) => r.urn.endsWith(`::${WORKSHOP_CHILDREN.terminal(participant)}`) && r.type !== CONTAINER_TYPE)?.urn;
  return parent ? resources.find((r) => r.parent === parent && r.type === CONTAINER_TYPE)?.urn : undefined;
}

/** The namespaces reset cleans: the lab file's own and those its workloads and clients run in. */
export function resetNamespaces(lab: Pick<Lab, "namespaces" | "workloads" | "clients">): string[] {
  return [...new Set(["default", ...lab.namespaces.map((n) => n.name), ...lab.workloads.map((w) => w.namespace), ...lab.clients.map((c) => c.namespace)])].sort();
}

/** What the participant added: in a lab namespace, not the lab's (state), not a controller's, not the cluster's own. */
export function participantAdded(listed: readonly ListedObject[], labResources: readonly StateResource[], namespaces: readonly string[]): ListedObject[] {
  const lab = new Set(labResources.flatMap((r) => (r.outputs?.kind && r.outputs.metadata?.name ? [`${r.outputs.kind}/${r.outputs.metadata.namespace ?? ""}/${r.outputs.metadata.name}`] : [])));
  return listed.filter(
    (o) => namespaces.includes(o.namespace) && !o.owned && !lab.has(`${o.kind}/${o.namespace}/${o.name}`) && !CLUSTER_MADE.has(`${o.kind}/${o.name}`),
  );
}

/** The kind cluster resource among a participant's resources: what `--hard` replaces. */
export function kindClusterUrn(resources: readonly StateResource[]): string | undefined {
  return resources.find((r) => r.type === LAB_TYPES.kind)?.urn;
}
