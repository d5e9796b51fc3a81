/**
 * What each Pulumi update of a migration does to the stack's resources, from the resource lists of
 * the plans before and after (plan/resources.ts): what goes, what comes, what is re-run, and the
 * proof that the cluster stays (its resources are in both lists). Pure.
 */
import { PROJECT_NAME } from "../host/identity";
import type { LabPlan } from "../plan";
import { labChildren, labResources, LAB_NAME, LAB_TYPES, type PlannedResource } from "../plan/resources";

/** The lab without its CNI: no install objects, no Helm release, no readiness Job; everything else as planned. */
export function withoutCni(plan: LabPlan): LabPlan {
  return { ...plan, cni: { objects: [], charts: [], readiness: { daemonSets: [], tigeraStatus: [] } }, readiness: [] };
}

/**
 * A resource's URN in `stack` as the engine makes it: its parent's whole qualified type (every
 * ancestor's type down from the stack, `$`-joined), then its own type, then its name (pulumi/pulumi
 * pkg/resource/deploy/deployment.go generateURN and sdk/go/common/resource/urn/urn.go New, v3.259.0).
 * Pulumi's test mocks put only the parent's own type there (@pulumi/pulumi runtime/mocks.js newUrn).
 */
export function resourceUrn(stack: string, list: readonly PlannedResource[], resource: PlannedResource): string {
  const types: string[] = [resource.type];
  for (let parent = resource.parent; parent !== ""; ) {
    const p = list.find((r) => r.name === parent);
    if (!p) throw new Error(`migrate: ${resource.name}'s parent ${parent} is not in the resource list`);
    types.unshift(p.type);
    parent = p.parent;
  }
  return `urn:pulumi:${stack}::${PROJECT_NAME}::${types.join("$")}::${resource.name}`;
}

const key = (r: PlannedResource) => `${r.type}::${r.name}`;

/** What an update from `before` to `after` deletes and creates; the rest stays (and changes only where its inputs differ). */
export function resourceDiff(before: LabPlan, after: LabPlan): { removed: PlannedResource[]; added: PlannedResource[]; kept: PlannedResource[] } {
  const a = labResources(before);
  const b = labResources(after);
  const inAfter = new Set(b.map(key));
  const inBefore = new Set(a.map(key));
  return { removed: a.filter((r) => !inAfter.has(key(r))), added: b.filter((r) => !inBefore.has(key(r))), kept: b.filter((r) => inBefore.has(key(r))) };
}

/** The cluster's own resources: its component, Docker network and kind cluster. */
export function clusterResources(plan: LabPlan): PlannedResource[] {
  const cluster = labChildren(LAB_NAME).cluster;
  return labResources(plan).filter((r) => r.name === cluster || r.parent === cluster);
}

/**
 * The Jobs that probe the lab (the targets' resolver and one per source identity): replaced in the
 * last update so they run again against the recreated pods. Unchanged Jobs would keep their old results.
 */
export function probeJobs(plan: LabPlan): PlannedResource[] {
  const assertions = labChildren(LAB_NAME).assertions;
  return labResources(plan).filter((r) => r.parent === assertions && r.type === "kubernetes:batch/v1:Job");
}

/** "kind name" of a planned resource, as the dry run lists it (`Release lab-cni-flannel`). */
export function describeResource(r: PlannedResource): string {
  const kind = r.type === LAB_TYPES.release ? "Helm release" : (r.type.split(":").at(-1) ?? r.type);
  return `${kind} ${r.name}`;
}
