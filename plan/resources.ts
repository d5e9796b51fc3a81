/**
 * The resources a lab registers with Pulumi, as a pure list: one entry per registration, with its
 * logical name, its type token and the logical name of its parent. The components name what they
 * register with the functions below, `plan` and `up` count the list, and a test under Pulumi mocks
 * holds the list equal to what the program registers (test/program/resources.test.ts).
 */
import { probedServices } from "../assertions";
import { jobName } from "../assertions/jobs";
import { planTargetResolver } from "../assertions/targets";
import type { HelmRelease, K8sObject } from "../backends";
import type { LabPlan } from "./index";
import { cniManifestObjectRefs } from "./manifest";

export interface PlannedResource {
  name: string;
  /** The type token, e.g. `cnilab:cni:Cni`, `kubernetes:apps/v1:DaemonSet`, `docker:index/network:Network`. */
  type: string;
  /** The parent component's logical name; "" for a child of the stack itself. */
  parent: string;
}

/** A planned Kubernetes object with the name and type it is registered under. */
export interface PlannedObject extends PlannedResource {
  object: K8sObject;
}

/**
 * The Lab's logical name in every stack. It is constant so that URNs do not follow
 * `cnilab:clusterName`: a new cluster name replaces the cluster and its network in place (the
 * network delete-first, on the same subnet) instead of creating a second lab beside the first.
 */
export const LAB_NAME = "lab";

/**
 * The type tokens of what a cluster lab registers besides its Kubernetes objects. A token is part of
 * every URN, so it stays as first released whatever the class is called (cnilab:lab:Lab is ClusterLab).
 */
export const LAB_TYPES = {
  lab: "cnilab:lab:Lab",
  cluster: "cnilab:cluster:KindCluster",
  /** Dynamic resources: `pulumi-nodejs:dynamic/<module>:<type>` (module/type arguments, pulumi/pulumi#11873). */
  network: "pulumi-nodejs:dynamic/cnilab:DockerNetwork",
  kind: "pulumi-nodejs:dynamic/cnilab:KindCluster",
  provider: "pulumi:providers:kubernetes",
  cni: "cnilab:cni:Cni",
  release: "kubernetes:helm.sh/v3:Release",
  workloads: "cnilab:workloads:Workloads",
  policies: "cnilab:policy:Policies",
  assertions: "cnilab:assertions:Assertions",
} as const;

/** The component children of a Lab named `lab`, by role. */
export function labChildren(lab: string) {
  return {
    cluster: `${lab}-cluster`,
    provider: `${lab}-k8s`,
    cni: `${lab}-cni`,
    workloads: `${lab}-workloads`,
    policies: `${lab}-policies`,
    assertions: `${lab}-assertions`,
  };
}

/** The children of a KindCluster component named `cluster`: its Docker network and the kind cluster itself. */
export function clusterChildren(cluster: string) {
  return { network: `${cluster}-network`, kind: `${cluster}-kind` };
}

/** `kubernetes:<group>/<version>:<Kind>`; the core group ("v1") is `core/v1`. */
export function objectType(obj: Pick<K8sObject, "apiVersion" | "kind">): string {
  return `kubernetes:${obj.apiVersion.includes("/") ? obj.apiVersion : `core/${obj.apiVersion}`}:${obj.kind}`;
}

/** Resource name inside the stack: unique per kind, namespace and object name. */
export function objectResource(parent: string, object: K8sObject): PlannedObject {
  const ns = object.metadata.namespace ? `${object.metadata.namespace}-` : "";
  return { name: `${parent}-${object.kind.toLowerCase()}-${ns}${object.metadata.name}`, type: objectType(object), parent, object };
}

/**
 * A server-side apply patch of an object a chart created (CniInstall.patches): the provider's
 * `<Kind>Patch` resource, named apart from a resource that would own the whole object.
 */
export function patchResource(parent: string, object: K8sObject): PlannedObject {
  const ns = object.metadata.namespace ? `${object.metadata.namespace}-` : "";
  return { name: `${parent}-${object.kind.toLowerCase()}patch-${ns}${object.metadata.name}`, type: `${objectType(object)}Patch`, parent, object };
}

export function objectResources(parent: string, objects: readonly K8sObject[]): PlannedObject[] {
  return objects.map((o) => objectResource(parent, o));
}

export function releaseResource(parent: string, release: HelmRelease): PlannedResource {
  return { name: `${parent}-${release.releaseName}`, type: LAB_TYPES.release, parent };
}

/** An assertion Job and its ConfigMap for one source identity; the probe plan inside is known only at deploy time. */
export function assertionJobResources(parent: string, client: { name: string; namespace: string }): { configMap: PlannedResource; job: PlannedResource } {
  const suffix = `${client.namespace}-${jobName(client.name)}`;
  return {
    configMap: { name: `${parent}-configmap-${suffix}`, type: objectType({ apiVersion: "v1", kind: "ConfigMap" }), parent },
    job: { name: `${parent}-job-${suffix}`, type: objectType({ apiVersion: "batch/v1", kind: "Job" }), parent },
  };
}

/** The probe targets' resolver: its RBAC and ConfigMap, then its Job (the bundle inside does not change a name). */
export function resolverResources(parent: string, plan: Pick<LabPlan, "assertions" | "imageMap">, probeBundle = ""): PlannedObject[] {
  const a = plan.assertions;
  const r = planTargetResolver(probedServices(a.probes), a.clients.map((c) => c.namespace), probeBundle, plan.imageMap);
  return objectResources(parent, [r.serviceAccount, r.clusterRole, r.clusterRoleBinding, r.configMap, r.job] as K8sObject[]);
}

/** Everything a cluster lab registers, in the order its components register it. */
export function labResources(plan: LabPlan, lab: string = LAB_NAME): PlannedResource[] {
  const c = labChildren(lab);
  const component = (name: string, type: string): PlannedResource => ({ name, type, parent: lab });
  const healthNamespaces = plan.healthObjects.filter((o) => o.kind === "Namespace");
  const health = plan.healthObjects.filter((o) => o.kind !== "Namespace");
  const strip = (r: PlannedResource): PlannedResource => ({ name: r.name, type: r.type, parent: r.parent });
  return [
    { name: lab, type: LAB_TYPES.lab, parent: "" },
    component(c.cluster, LAB_TYPES.cluster),
    { name: clusterChildren(c.cluster).network, type: LAB_TYPES.network, parent: c.cluster },
    { name: clusterChildren(c.cluster).kind, type: LAB_TYPES.kind, parent: c.cluster },
    component(c.provider, LAB_TYPES.provider),
    component(c.cni, LAB_TYPES.cni),
    ...objectResources(c.cni, plan.cni.objects),
    ...objectResources(c.cni, cniManifestObjectRefs(plan.cni)),
    ...plan.cni.charts.map((h) => releaseResource(c.cni, h)),
    ...(plan.cni.patches ?? []).map((o) => patchResource(c.cni, o)),
    ...objectResources(c.cni, plan.readiness),
    component(c.workloads, LAB_TYPES.workloads),
    ...objectResources(c.workloads, [...plan.namespaces, ...plan.workloads]),
    component(c.policies, LAB_TYPES.policies),
    ...objectResources(c.policies, plan.policies),
    component(c.assertions, LAB_TYPES.assertions),
    ...objectResources(c.assertions, [...healthNamespaces, ...health]),
    ...resolverResources(c.assertions, plan),
    ...plan.assertions.clients.flatMap((client) => Object.values(assertionJobResources(c.assertions, client))),
  ].map(strip);
}

/** Components (`cnilab:` types) and providers group and connect; what the engine creates is the rest. */
export function createdResources(list: readonly PlannedResource[]): PlannedResource[] {
  return list.filter((r) => !r.type.startsWith("cnilab:") && !r.type.startsWith("pulumi:providers:"));
}
