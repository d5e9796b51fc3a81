import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CniInstall, K8sObject } from "../../backends";
import { registerObjects, registerPatches } from "../k8s/objects";
import { LAB_TYPES, releaseResource } from "../../plan/resources";

export interface CniArgs {
  install: CniInstall;
  /** The upstream manifests' objects as applied (plan/manifest.ts renderManifest), in the install's order. */
  manifestObjects: readonly K8sObject[];
  /** The readiness Job and its RBAC (plan/readiness.ts). */
  readiness: readonly K8sObject[];
}

/**
 * Installs the backend's CNI as the plan says: prerequisite objects and upstream manifests, then the
 * Helm releases in order, then the readiness Job that Pulumi awaits. Later components depend on `ready`.
 */
export class Cni extends pulumi.ComponentResource {
  /** Completes when the readiness Job has completed: the pod network works on every node. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: CniArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LAB_TYPES.cni, name, {}, opts);
    const child = { parent: this };
    // A manifest's CRDs and the objects using them go in together: it holds no custom resource
    // (pins/manifest-facts.ts), and its pods retry until their RBAC and ConfigMap exist.
    const prerequisites = [...registerObjects(name, args.install.objects, child), ...registerObjects(name, args.manifestObjects, child)];
    // Each release after the one before (the CRDs chart before the chart whose resources use them); the
    // first after the chart's namespace and the CNI plugin binaries, which its pods need.
    let previous: pulumi.Resource[] = prerequisites;
    for (const h of args.install.charts) {
      const release = new k8s.helm.v3.Release(
        releaseResource(name, h).name,
        {
          name: h.releaseName,
          // From a local folder (cnilab:chartDirs, checked to hold this chart at this version), else the repository.
          ...(h.localDir ? { chart: h.localDir } : { chart: h.chart, version: h.version, repositoryOpts: { repo: h.repo } }),
          namespace: h.namespace,
          values: h.values,
          // Where the plan does not ask Helm to wait, our readiness Job judges and says what is missing;
          // Helm's wait would only time out (pulumi-kubernetes helm_release.go: Wait = !skipAwait).
          skipAwait: !h.wait,
        },
        { ...child, dependsOn: previous },
      );
      previous = [release];
    }
    // A patch changes what a release created, so it must exist first; no data edge says so.
    const patches = registerPatches(name, args.install.patches ?? [], { ...child, dependsOn: previous });
    // The Job checks what the releases, patches and prerequisites create; there is no data edge to them.
    this.ready = registerObjects(name, args.readiness, { ...child, dependsOn: [...previous, ...patches] });
    this.registerOutputs({});
  }
}
