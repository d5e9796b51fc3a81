import { planAssertions, planCheckObjects, planHealthObjects, type AssertionPlan } from "../assertions";
import { BACKEND_FACTS, installCni, type BackendFacts, type CniInstall, type K8sObject, type PlannedNode } from "../backends";
import { host, mustParseCidr } from "../ip/cidr";
import type { Spec } from "../labs";
import { planKindConfig, renderKindConfig, type KindClusterConfig } from "./cluster";
import { CLUSTER_LABEL, identityLabels, type Label } from "../host/identity";
import { planNodes } from "./nodes";
import type { ImageMap, PlannedImage } from "../pins/image-map";
import { applyImageMap } from "./lab-images";
import { planRegistryMirrors, type RegistryHostsFile, type RegistryMirror } from "./registry-mirrors";
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
  /** Every image the plan pins, and what runs in its place (`cnilab:imageMap`). */
  images: PlannedImage[];
  /** The stack's map: the planners called later (assertion Jobs, resolver, perf) map what they return with it. */
  imageMap: ImageMap;
  /**
   * hosts.toml per mirrored registry host (`cnilab:registryMirrors` and the caller's `mirrors`),
   * written into every node once kind made it; empty without mirrors.
   */
  registryHosts: RegistryHostsFile[];
}

/** What a lab's caller (a workshop) adds to what its stack file says. */
export interface LabPlanOptions {
  /** Registry mirrors tried before the stack's `cnilab:registryMirrors`: a workshop host's cache. */
  mirrors?: readonly RegistryMirror[];
}

export function planLab(spec: Spec, options: LabPlanOptions = {}): LabPlan {
  const { stack, lab } = spec;
  const nodes = planNodes(stack.clusterName, stack.workers);
  const registryHosts = planRegistryMirrors(stack.registryMirrors, options.mirrors);
  const kindConfig = planKindConfig(stack, nodes, registryHosts.length > 0);
  const installed = installCni(stack.backend, {
    clusterName: stack.clusterName,
    podSubnet: stack.podSubnet,
    serviceSubnet: stack.serviceSubnet,
    kubeProxyMode: stack.kubeProxyMode,
    nodeSubnet: stack.nodeSubnet,
    nodes,
  });
  const backend = BACKEND_FACTS[stack.backend];
  // Planned before the images are mapped: a check's pod runs images beside the probe.
  const assertions = planAssertions(spec, { nodes, backend });
  const { parts, images } = applyImageMap(
    {
      kindConfig,
      cni: installed,
      readiness: planReadiness(installed.readiness),
      // The checks' writer Jobs and claims: with the workloads, so Pulumi awaits them before any probe.
      workloads: [...planWorkloads(lab), ...planCheckObjects(lab, nodes)],
      healthObjects: planHealthObjects(nodes),
      assertionClients: assertions.clients,
    },
    stack,
  );
  const { assertionClients, ...mapped } = parts;
  return {
    ...mapped,
    backend,
    nodes,
    kindConfigYaml: renderKindConfig(parts.kindConfig),
    network: {
      name: stack.clusterName,
      subnet: stack.nodeSubnet,
      gateway: host(mustParseCidr(stack.nodeSubnet), 1),
      labels: [...identityLabels(stack.name), { label: CLUSTER_LABEL, value: stack.clusterName }],
    },
    namespaces: planNamespaces(lab),
    policies: planPolicies(lab),
    images,
    imageMap: stack.imageMap,
    registryHosts,
    assertions: { ...assertions, clients: assertionClients },
  };
}

/**
 * Every image a plan runs, after `cnilab:imageMap` (node image, CNI helpers, workloads, probes, and
 * what each Helm chart and the operator it deploys run, from pins/chart-facts.ts): what a workshop
 * preloads or mirrors; one reference per entry, so the list pipes into `docker pull`.
 */
export function planImages(plan: LabPlan): string[] {
  return [...new Set(plan.images.map((i) => i.run))].sort();
}

/**
 * The Helm charts a plan installs, as "<repo> <chart> <version>" ("<folder> …" for one from
 * `cnilab:chartDirs`); each pulls the images its version pins.
 */
export function planCharts(plan: LabPlan): string[] {
  return plan.cni.charts.map((h) => `${h.localDir ?? h.repo} ${h.chart} ${h.version}`);
}
