import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { K8sObject } from "../../backends";
import { objectResource, objectType, patchResource, type PlannedObject } from "../../plan/resources";

/**
 * Registers a planned Kubernetes object as the provider's typed resource for its kind. The plan builds
 * objects as data; this is the one place that maps kinds to resource classes, so an object of a kind we
 * never planned for is an error here rather than a silent generic resource.
 */
type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** By type token (plan/resources.ts objectType). */
const KINDS: Record<string, Ctor> = Object.fromEntries(
  (
    [
      ["v1", "Namespace", k8s.core.v1.Namespace],
      ["v1", "ConfigMap", k8s.core.v1.ConfigMap],
      ["v1", "ServiceAccount", k8s.core.v1.ServiceAccount],
      ["v1", "Service", k8s.core.v1.Service],
      ["v1", "PersistentVolumeClaim", k8s.core.v1.PersistentVolumeClaim],
      ["v1", "ReplicationController", k8s.core.v1.ReplicationController],
      ["apps/v1", "DaemonSet", k8s.apps.v1.DaemonSet],
      // Server-side apply patches of what a chart created (plan/resources.ts patchResource).
      ["apps/v1", "DaemonSetPatch", k8s.apps.v1.DaemonSetPatch],
      ["apps/v1", "Deployment", k8s.apps.v1.Deployment],
      ["batch/v1", "Job", k8s.batch.v1.Job],
      ["rbac.authorization.k8s.io/v1", "ClusterRole", k8s.rbac.v1.ClusterRole],
      ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding", k8s.rbac.v1.ClusterRoleBinding],
      ["networking.k8s.io/v1", "NetworkPolicy", k8s.networking.v1.NetworkPolicy],
      // What upstream manifests hold besides the kinds above (canal: pins/manifest-facts.ts).
      ["apiextensions.k8s.io/v1", "CustomResourceDefinition", k8s.apiextensions.v1.CustomResourceDefinition],
      ["policy/v1", "PodDisruptionBudget", k8s.policy.v1.PodDisruptionBudget],
    ] as const
  ).map(([apiVersion, kind, ctor]) => [objectType({ apiVersion, kind }), ctor as Ctor]),
);

/** Registers a planned object under the name and type the resource list gives it. */
export function registerPlanned(planned: PlannedObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { object: obj } = planned;
  const ctor = KINDS[planned.type];
  if (!ctor) throw new Error(`cnilab cannot register ${obj.apiVersion} ${obj.kind} '${obj.metadata.name}': no resource class for that kind`);
  const { apiVersion: _apiVersion, kind: _kind, ...args } = obj;
  return new ctor(planned.name, args, opts);
}

export function registerObject(parent: string, obj: K8sObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  return registerPlanned(objectResource(parent, obj), opts);
}

export function registerObjects(prefix: string, objs: readonly K8sObject[], opts: pulumi.CustomResourceOptions): pulumi.CustomResource[] {
  return objs.map((o) => registerObject(prefix, o, opts));
}

/** Registers each planned patch as the provider's `<Kind>Patch` resource (server-side apply). */
export function registerPatches(prefix: string, objs: readonly K8sObject[], opts: pulumi.CustomResourceOptions): pulumi.CustomResource[] {
  return objs.map((o) => registerPlanned(patchResource(prefix, o), opts));
}
