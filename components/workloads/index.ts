import * as pulumi from "@pulumi/pulumi";
import type { K8sObject } from "../../backends";
import { registerObjects } from "../k8s/objects";
import { LAB_TYPES } from "../../plan/resources";

export interface WorkloadsArgs {
  namespaces: readonly K8sObject[];
  workloads: readonly K8sObject[];
}

/** The lab's namespaces, controllers and Services. */
export class Workloads extends pulumi.ComponentResource {
  readonly namespaces: pulumi.CustomResource[];
  readonly resources: pulumi.CustomResource[];

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LAB_TYPES.workloads, name, {}, opts);
    this.namespaces = registerObjects(name, args.namespaces, { parent: this });
    // Objects name their namespace as a string, so the edge to the Namespace resources is explicit.
    this.resources = registerObjects(name, args.workloads, { parent: this, dependsOn: this.namespaces });
    this.registerOutputs({});
  }
}
