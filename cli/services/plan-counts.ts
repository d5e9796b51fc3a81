/**
 * What a kind-cluster plan makes Pulumi register, counted: `plan` prints it and `up`'s progress
 * counts up to it.
 */
import type { K8sObject } from "../../backends";
import type { LabPlan } from "../../plan";
import { cniManifestObjectRefs } from "../../plan/manifest";
import { createdResources, labResources } from "../../plan/resources";

/** Every Kubernetes object the stack applies from the plan, in the order the lab creates them. */
export function plannedObjects(plan: LabPlan): K8sObject[] {
  return [...plan.cni.objects, ...cniManifestObjectRefs(plan.cni), ...plan.readiness, ...plan.namespaces, ...plan.workloads, ...plan.policies, ...plan.healthObjects];
}

/** The resources the lab registers with Pulumi, components and providers aside (plan/resources.ts). */
export function plannedResourceCount(plan: LabPlan): number {
  return createdResources(labResources(plan)).length;
}
