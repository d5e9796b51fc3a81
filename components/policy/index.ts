import * as pulumi from "@pulumi/pulumi";
import type { K8sObject } from "../../backends";
import { registerObjects } from "../k8s/objects";
import { LAB_TYPES } from "../../plan/resources";

export interface PoliciesArgs {
  policies: readonly K8sObject[];
}

/** The NetworkPolicies of the stack's scenarios. */
export class Policies extends pulumi.ComponentResource {
  readonly policies: pulumi.CustomResource[];

  constructor(name: string, args: PoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LAB_TYPES.policies, name, {}, opts);
    this.policies = registerObjects(name, args.policies, { parent: this });
    this.registerOutputs({});
  }
}
