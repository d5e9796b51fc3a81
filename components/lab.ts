import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { K8sObject } from "../backends";
import type { LabPlan } from "../plan";
import { LAB_TYPES, labChildren } from "../plan/resources";
import type { AssertionsOutput } from "../plan/outputs";
import { Assertions } from "./assertions";
import { Cni } from "./cni";
import { KindCluster } from "./cluster";
import { Policies } from "./policy";
import { Workloads } from "./workloads";

export interface ClusterLabArgs {
  plan: LabPlan;
  /** The objects of the plan's upstream manifests as applied (plan/manifest.ts); none for most backends. */
  manifestObjects: readonly K8sObject[];
  /** The probe program as one JavaScript file (probe/bundle.ts), mounted into the assertion Jobs. */
  probeBundle: string;
  /**
   * The Lab's logical name in states written before LAB_NAME (the cluster name). Every resource of
   * the Lab gets an alias with that name in place of its own prefix, so those states carry on.
   */
  formerName?: string;
  /** DOCKER_HOST of the Docker the cluster runs on (a workshop participant on a remote host). */
  dockerHost?: string;
}

/**
 * A whole lab stack: the kind cluster on its own Docker network, a Kubernetes provider from its
 * kubeconfig, the CNI (ready before anything else), the workloads and the policies. It registers what
 * the plan says and nothing else.
 */
export class ClusterLab extends pulumi.ComponentResource {
  readonly kubeconfig: pulumi.Output<string>;
  readonly nodes: pulumi.Output<{ name: string; role: string; internalIP: string }[]>;
  /** Every probe with its address and expected outcome, and the Jobs that ran them. */
  readonly assertions: pulumi.Output<AssertionsOutput>;

  constructor(name: string, args: ClusterLabArgs, opts?: pulumi.ComponentResourceOptions) {
    // Set once the kind resource exists; every Kubernetes resource is registered after that.
    let kind: pulumi.Resource | undefined;
    super(LAB_TYPES.lab, name, {}, {
      ...opts,
      aliases: [...(opts?.aliases ?? []), ...(args.formerName ? [{ name: args.formerName }] : [])],
      // SDK-side transformations reach every descendant and run under the test mocks; `transforms`
      // is experimental in @pulumi/pulumi 3.270 and only the engine applies it (the mock monitor
      // merely passes it on), so it could not be tested here.
      transformations: [...(opts?.transformations ?? []), inClusterTransformation(name, args.formerName, () => kind)],
    });
    const plan = args.plan;
    const names = labChildren(name);
    const cluster = new KindCluster(
      names.cluster,
      { clusterName: plan.kindConfig.name, config: plan.kindConfigYaml, configData: plan.kindConfig, network: plan.network, registryHosts: plan.registryHosts, ...(args.dockerHost ? { dockerHost: args.dockerHost } : {}) },
      { parent: this },
    );
    kind = cluster.kind;
    const provider = new k8s.Provider(
      names.provider,
      // deleteUnreachable: a cluster deleted by hand must not leave the stack stuck on refresh/destroy.
      { kubeconfig: cluster.kubeconfig, deleteUnreachable: true },
      { parent: this },
    );
    const inCluster = { parent: this, providers: { kubernetes: provider } };
    const cni = new Cni(names.cni, { install: plan.cni, manifestObjects: args.manifestObjects, readiness: plan.readiness }, inCluster);
    // Workload pods need a working pod network; the readiness Job is the only edge that says so.
    const workloads = new Workloads(
      names.workloads,
      { namespaces: plan.namespaces, workloads: plan.workloads },
      { ...inCluster, dependsOn: cni.ready },
    );
    // Policies name namespaces by string; they must exist first.
    const policies = new Policies(names.policies, { policies: plan.policies }, { ...inCluster, dependsOn: workloads.namespaces });
    const assertions = new Assertions(
      names.assertions,
      {
        plan: plan.assertions,
        healthObjects: plan.healthObjects,
        nodes: cluster.nodes,
        probeBundle: args.probeBundle,
        maxReplicas: Math.max(1, ...plan.workloads.map((w) => (w.spec as { replicas?: number } | undefined)?.replicas ?? 1)),
        after: [workloads, policies],
        labServiceIps: workloads.serviceIps,
        imageMap: plan.imageMap,
      },
      // The health servers need a working pod network too.
      { ...inCluster, dependsOn: cni.ready },
    );
    this.kubeconfig = cluster.kubeconfig;
    this.nodes = cluster.nodes;
    this.assertions = assertions.result;
    this.registerOutputs({ kubeconfig: this.kubeconfig, nodes: this.nodes, assertions: this.assertions });
  }
}

/** A Kubernetes object of the lab (not the provider, which is a `pulumi:providers:` resource). */
function inCluster(type: string, custom: boolean): boolean {
  return custom && type.startsWith("kubernetes:");
}

/**
 * What the Lab adds to each descendant:
 * - every Kubernetes object is `deletedWith` the kind cluster: `down` deletes the cluster and
 *   the engine skips the objects inside it (no ~40 deletes one by one), and replacing the cluster
 *   replaces them too (the `deletedWith` doc comment in @pulumi/pulumi 3.270 resource.d.ts);
 * - with `formerName`, an alias with the former prefix (`cnilab-flannel-vxlan-cni` for `lab-cni`),
 *   alone and with each type the child was registered as before (its own type aliases).
 *   A URN names only its parents' types, never their names, so the name is all that differs.
 */
function inClusterTransformation(name: string, formerName: string | undefined, kind: () => pulumi.Resource | undefined): pulumi.ResourceTransformation {
  return ({ type, name: child, props, opts, resource }) => {
    const former = formerName && child.startsWith(`${name}-`) ? formerName + child.slice(name.length) : undefined;
    // The types the child was registered as before (its own type aliases) count under the former name too.
    const typeAliases = (opts.aliases ?? []).filter((a): a is pulumi.Alias => typeof a === "object" && "type" in a && !("name" in a));
    const aliases = former ? [{ name: former }, ...typeAliases.map((a) => ({ ...a, name: former }))] : [];
    let deletedWith = opts.deletedWith;
    if (inCluster(type, resource instanceof pulumi.CustomResource)) {
      deletedWith = kind();
      // The kind resource is registered before the provider, and the provider before any object.
      if (!deletedWith) throw new Error(`cnilab Lab: ${type} '${child}' was registered before the kind cluster`);
    }
    return { props, opts: { ...opts, aliases: [...(opts.aliases ?? []), ...aliases], ...(deletedWith ? { deletedWith } : {}) } };
  };
}
