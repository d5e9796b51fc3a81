/**
 * The resources a lab registers with Pulumi, as a pure list: what the components register (a test
 * under Pulumi mocks holds the two equal) and what `plan` and `up` count. One entry per
 * registration, in registration order, each with the logical name, the type token and the logical
 * name of its parent component.
 */

export interface PlannedResource {
  name: string;
  /** The type token, e.g. `cnilab:cni:Cni`, `kubernetes:apps/v1:DaemonSet`, `docker:index/network:Network`. */
  type: string;
  /** The parent component's logical name; "" for a child of the stack itself. */
  parent: string;
}

/** Components (`cnilab:` types) and providers group and connect; what the engine creates is the rest. */
export function createdResources(list: readonly PlannedResource[]): PlannedResource[] {
  return list.filter((r) => !r.type.startsWith("cnilab:") && !r.type.startsWith("pulumi:providers:"));
}
