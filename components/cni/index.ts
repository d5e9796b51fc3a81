import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CniInstall, K8sObject } from "../../backends";
import { registerObjects } from "../k8s/objects";

export interface CniArgs {
  install: CniInstall;
  /** The readiness Job and its RBAC (plan/readiness.ts). */
  readiness: readonly K8sObject[];
}

/**
 * Installs the backend's CNI as the plan says: prerequisite objects, then the Helm release, then the
 * readiness Job that Pulumi awaits. Later components depend on `ready`.
 */
export class Cni extends pulumi.ComponentResource {
  /** Completes when the readiness Job has completed: the pod network works on every node. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: CniArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnilab:cni:Cni", name, {}, opts);
    const child = { parent: this };
    const prerequisites = registerObjects(name, args.install.objects, child);
    const helm = args.install.helm;
    const release = helm
      ? new k8s.helm.v3.Release(
          `${name}-${helm.releaseName}`,
          {
            name: helm.releaseName,
            chart: helm.chart,
            version: helm.version,
            repositoryOpts: { repo: helm.repo },
            namespace: helm.namespace,
            values: helm.values,
            // Readiness is judged by our Job, which says what is missing; Helm's wait would only time out.
            skipAwait: true,
          },
          // The chart's namespace and the CNI plugin binaries must exist before its pods start.
          { ...child, dependsOn: prerequisites },
        )
      : undefined;
    // The Job checks what the release and the prerequisites create; there is no data edge to them.
    const waitFor = release ? [release] : prerequisites;
    this.ready = registerObjects(name, args.readiness, { ...child, dependsOn: waitFor });
    this.registerOutputs({});
  }
}
