import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { K8sObject } from "../../backends";
import { registerObjects } from "../k8s/objects";
import { LAB_TYPES } from "../../plan/resources";

export interface WorkloadsArgs {
  namespaces: readonly K8sObject[];
  workloads: readonly K8sObject[];
}

/** The lab's namespaces, controllers and Services, and what its checks write before they probe (Jobs, claims). */
export class Workloads extends pulumi.ComponentResource {
  readonly namespaces: pulumi.CustomResource[];
  readonly resources: pulumi.CustomResource[];
  /** "namespace/service" → its ClusterIP, as the API server allocated it: what a ClusterIP probe dials. */
  readonly serviceIps: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LAB_TYPES.workloads, name, {}, opts);
    this.namespaces = registerObjects(name, args.namespaces, { parent: this });
    // Objects name their namespace as a string, so the edge to the Namespace resources is explicit.
    this.resources = registerObjects(name, args.workloads, { parent: this, dependsOn: this.namespaces });
    const ips = args.workloads.flatMap((o, i) =>
      o.kind === "Service" ? [(this.resources[i] as k8s.core.v1.Service).spec.clusterIP.apply((ip) => [`${o.metadata.namespace ?? "default"}/${o.metadata.name}`, ip] as const)] : [],
    );
    this.serviceIps = pulumi.all(ips).apply((pairs) => Object.fromEntries(pairs));
    this.registerOutputs({});
  }
}
