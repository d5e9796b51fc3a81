import { planAssertions, planHealthObjects, type AssertionPlan } from "../assertions";
import { BACKEND_FACTS, installCni, type BackendFacts, type CniInstall, type K8sObject, type PlannedNode } from "../backends";
import { host, mustParseCidr } from "../ip/cidr";
import type { Spec } from "../labs";
import { planKindConfig, renderKindConfig, type KindClusterConfig } from "./cluster";
import { CLUSTER_LABEL, identityLabels, type Label } from "./identity";
import { planNodes } from "./nodes";
import { IMAGES, PERF_IMAGES } from "../pins";
import { chartFacts } from "./chart-facts";
import { planReadiness } from "./readiness";
import { planNamespaces, planPolicies, planWorkloads } from "./workloads";

/** Everything a lab stack will build, as plain data: printable, diffable, testable. */
export interface LabPlan {
  backend: BackendFacts;
  nodes: PlannedNode[];
  kindConfig: KindClusterConfig;
  kindConfigYaml: string;
  /**
   * The lab's own Docker network (kind reads KIND_EXPERIMENTAL_DOCKER_NETWORK). Its labels carry the
   * stack's identity; kind's node containers sit on it, which is how `down` knows them as this stack's.
   */
  network: { name: string; subnet: string; gateway: string; labels: Label[] };
  cni: CniInstall;
  readiness: K8sObject[];
  namespaces: K8sObject[];
  workloads: K8sObject[];
  policies: K8sObject[];
  /** Every probe with its expected outcome, and the source identities that run them. */
  assertions: AssertionPlan;
  /** The health suite's echo servers (pinned to the first two workers) and their Services. */
  healthObjects: K8sObject[];
}

export function planLab(spec: Spec): LabPlan {
  const { stack, lab } = spec;
  const nodes = planNodes(stack.clusterName, stack.workers);
  const kindConfig = planKindConfig(stack, nodes);
  const cni = installCni(stack.backend, {
    clusterName: stack.clusterName,
    podSubnet: stack.podSubnet,
    serviceSubnet: stack.serviceSubnet,
    kubeProxyMode: stack.kubeProxyMode,
    nodeSubnet: stack.nodeSubnet,
    nodes,
  });
  const plan: Omit<LabPlan, "assertions"> = {
    backend: BACKEND_FACTS[stack.backend],
    nodes,
    kindConfig,
    kindConfigYaml: renderKindConfig(kindConfig),
    network: {
      name: stack.clusterName,
      subnet: stack.nodeSubnet,
      gateway: host(mustParseCidr(stack.nodeSubnet), 1),
      labels: [...identityLabels(stack.name), { label: CLUSTER_LABEL, value: stack.clusterName }],
    },
    cni,
    readiness: planReadiness(cni.readiness),
    namespaces: planNamespaces(lab),
    workloads: planWorkloads(lab),
    policies: planPolicies(lab),
    healthObjects: planHealthObjects(nodes),
  };
  return { ...plan, assertions: planAssertions(spec, plan) };
}

/**
 * Every image a plan runs (node image, CNI helpers, workloads, probes, and what each Helm chart and the
 * operator it deploys run, from plan/chart-facts.ts): what a workshop preloads or mirrors; one
 * reference per entry, so the list pipes into `docker pull`.
 */
export function planImages(spec: Spec, plan: LabPlan): string[] {
  const images = new Set<string>([spec.stack.nodeImage]);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === "image" && typeof v === "string") images.add(v);
        else visit(v);
      }
    }
  };
  visit([plan.cni.objects, plan.readiness, plan.workloads, plan.healthObjects]);
  images.add(IMAGES.node);
  images.add(IMAGES.kubectl);
  for (const h of plan.cni.charts) {
    for (const i of chartFacts(h.chart, h.version).images) images.add(i.digest ? `${i.ref}@${i.digest}` : i.ref);
  }
  // `cnilab perf` runs these against the lab; a workshop offline needs them too.
  for (const image of PERF_IMAGES) images.add(image);
  return [...images].sort();
}

/** The Helm charts a plan installs, as "<repo> <chart> <version>"; each pulls the images its version pins. */
export function planCharts(plan: LabPlan): string[] {
  return plan.cni.charts.map((h) => `${h.repo} ${h.chart} ${h.version}`);
}
