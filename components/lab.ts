import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LabPlan } from "../plan";
import { Assertions, type AssertionsOutput } from "./assertions";
import { Cni } from "./cni";
import { KindCluster } from "./cluster";
import { Policies } from "./policy";
import { Workloads } from "./workloads";

/**
 * A whole lab stack: the kind cluster on its own Docker network, a Kubernetes provider from its
 * kubeconfig, the CNI (ready before anything else), the workloads and the policies. It registers what
 * the plan says and nothing else.
 */
export class Lab extends pulumi.ComponentResource {
  readonly kubeconfig: pulumi.Output<string>;
  readonly nodes: pulumi.Output<{ name: string; role: string; internalIP: string }[]>;
  /** Every probe with its address and expected outcome, and the Jobs that ran them. */
  readonly assertions: pulumi.Output<AssertionsOutput>;

  /** `probeBundle`: the probe program as one JavaScript file (probe/bundle.ts), mounted into the Jobs. */
  constructor(name: string, plan: LabPlan, probeBundle: string, opts?: pulumi.ComponentResourceOptions) {
    super("cnilab:lab:Lab", name, {}, opts);
    const cluster = new KindCluster(
      `${name}-cluster`,
      { clusterName: plan.kindConfig.name, config: plan.kindConfigYaml, network: plan.network },
      { parent: this },
    );
    const provider = new k8s.Provider(
      `${name}-k8s`,
      // deleteUnreachable: a cluster deleted by hand must not leave the stack stuck on refresh/destroy.
      { kubeconfig: cluster.kubeconfig, deleteUnreachable: true },
      { parent: this },
    );
    const inCluster = { parent: this, providers: { kubernetes: provider } };
    const cni = new Cni(`${name}-cni`, { install: plan.cni, readiness: plan.readiness }, inCluster);
    // Workload pods need a working pod network; the readiness Job is the only edge that says so.
    const workloads = new Workloads(
      `${name}-workloads`,
      { namespaces: plan.namespaces, workloads: plan.workloads },
      { ...inCluster, dependsOn: cni.ready },
    );
    // Policies name namespaces by string; they must exist first.
    const policies = new Policies(`${name}-policies`, { policies: plan.policies }, { ...inCluster, dependsOn: workloads.namespaces });
    const assertions = new Assertions(
      `${name}-assertions`,
      {
        plan: plan.assertions,
        healthObjects: plan.healthObjects,
        nodes: cluster.nodes,
        probeBundle,
        maxReplicas: Math.max(1, ...plan.workloads.map((w) => (w.spec as { replicas?: number } | undefined)?.replicas ?? 1)),
        after: [workloads, policies],
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
