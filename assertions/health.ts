import type { K8sObject, PlannedNode } from "../backends";
import { expectOnPath, type PodPath } from "../backends/paths";
import type { BackendFacts } from "../backends/types";
import { host, mustParseCidr } from "../ip/cidr";
import { WORKLOAD_IMAGES } from "../pins";
import type { SkippedProbe } from "../verdict/types";
import type { AssertedProbe, ProbeClient, Target } from "./types";

/**
 * The health suite run on every `up`, automating seed 003's troubleshooting checklist: pod↔pod on one
 * node and across nodes, cluster DNS, a Service's ClusterIP, a NodePort, pod→API server, pod→node.
 * Echo servers are pinned to the first two workers so "same node" and "cross node" mean what they say.
 * Each expectation is "connected" unless the backend declares a limitation that breaks the check's path
 * (backends/paths.ts, the table the datapath lab expects through too).
 */
export const HEALTH_NAMESPACE = "cnilab-health";
export const HEALTH_CLIENT = "health-client";
const ECHO_HTTP = 8080;
const ECHO_UDP = 8081;
/** In the default NodePort range (30000–32767), away from the lab's own NodePorts. */
export const HEALTH_NODEPORT = 30999;
const KUBELET_PORT = 10250;

export const HEALTH_CHECKS = [
  "pod-to-pod-same-node",
  "pod-to-pod-cross-node",
  "pod-to-pod-cross-node-udp",
  "cluster-dns",
  "service-clusterip",
  "nodeport",
  "pod-to-apiserver",
  "pod-to-own-node",
  "pod-to-other-node",
  "pod-to-internet",
] as const;
export type HealthCheck = (typeof HEALTH_CHECKS)[number];

interface Check {
  check: HealthCheck;
  toLabel: string;
  target: Target;
  port: number;
  protocol: "tcp" | "udp";
  /** The path the packet takes, which decides the limitations that apply. */
  path: PodPath;
  needs?: "two-workers" | "internet";
}

export interface HealthOptions {
  /** Probe 1.1.1.1:443; off by default: labs may run offline, and the result says little about the CNI. */
  internet: boolean;
}

function echoName(i: 1 | 2): string {
  return i === 1 ? "echo-same-node" : "echo-other-node";
}

/** The two echo servers (agnhost netexec), their Services, and the namespace. */
/** One echo server per placement: the probes address it as endpoint #0 of its Service. */
const ECHO_REPLICAS = 1;

export function planHealthObjects(nodes: readonly PlannedNode[]): K8sObject[] {
  const workers = nodes.filter((n) => n.role === "worker");
  const placed: [1 | 2, PlannedNode | undefined][] = [
    [1, workers[0] ?? nodes[0]],
    [2, workers[1]],
  ];
  const objects: K8sObject[] = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: HEALTH_NAMESPACE } }];
  for (const [i, node] of placed) {
    if (!node) continue;
    const labels = { app: echoName(i) };
    objects.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: echoName(i), namespace: HEALTH_NAMESPACE, labels },
      spec: {
        replicas: ECHO_REPLICAS,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { "kubernetes.io/hostname": node.name },
            containers: [
              {
                name: "echo",
                image: WORKLOAD_IMAGES.agnhost,
                args: ["netexec", `--http-port=${ECHO_HTTP}`, `--udp-port=${ECHO_UDP}`],
                ports: [
                  { name: "http", containerPort: ECHO_HTTP, protocol: "TCP" },
                  { name: "udp", containerPort: ECHO_UDP, protocol: "UDP" },
                ],
              },
            ],
          },
        },
      },
    });
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: echoName(i), namespace: HEALTH_NAMESPACE, labels },
      spec: {
        selector: labels,
        ports: [
          { name: "http", port: 80, targetPort: ECHO_HTTP, protocol: "TCP" },
          { name: "udp", port: ECHO_UDP, targetPort: ECHO_UDP, protocol: "UDP" },
        ],
      },
    });
  }
  if (workers[1]) {
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "echo-nodeport", namespace: HEALTH_NAMESPACE },
      spec: { type: "NodePort", selector: { app: echoName(2) }, ports: [{ port: 80, targetPort: ECHO_HTTP, nodePort: HEALTH_NODEPORT, protocol: "TCP" }] },
    });
  }
  return objects;
}

export function healthClient(nodes: readonly PlannedNode[]): ProbeClient {
  const node = nodes.find((n) => n.role === "worker") ?? nodes[0]!;
  return { name: HEALTH_CLIENT, namespace: HEALTH_NAMESPACE, labels: { app: HEALTH_CLIENT }, node: node.name };
}

export function planHealthProbes(
  nodes: readonly PlannedNode[],
  serviceSubnet: string,
  backend: BackendFacts,
  options: HealthOptions,
): { probes: AssertedProbe[]; skipped: SkippedProbe[] } {
  const client = healthClient(nodes);
  const other = nodes.filter((n) => n.role === "worker")[1];
  const echo = (i: 1 | 2): Target => ({ kind: "pods", namespace: HEALTH_NAMESPACE, workload: echoName(i), service: echoName(i), replicas: ECHO_REPLICAS });
  // The API server's Service takes the first address of the service subnet (kube-apiserver's default).
  const apiServer = host(mustParseCidr(serviceSubnet), 1);
  const checks: Check[] = [
    { check: "pod-to-pod-same-node", toLabel: `${echoName(1)} on ${client.node}`, target: echo(1), port: ECHO_HTTP, protocol: "tcp", path: "pod-same-node" },
    { check: "pod-to-pod-cross-node", toLabel: `${echoName(2)} on ${other?.name}`, target: echo(2), port: ECHO_HTTP, protocol: "tcp", path: "pod-other-node", needs: "two-workers" },
    { check: "pod-to-pod-cross-node-udp", toLabel: `${echoName(2)} on ${other?.name}`, target: echo(2), port: ECHO_UDP, protocol: "udp", path: "pod-other-node", needs: "two-workers" },
    {
      check: "cluster-dns",
      toLabel: `${echoName(1)}.${HEALTH_NAMESPACE}.svc`,
      target: { kind: "service-name", host: `${echoName(1)}.${HEALTH_NAMESPACE}.svc.cluster.local` },
      port: 80,
      protocol: "tcp",
      path: "pod-service-name",
    },
    { check: "service-clusterip", toLabel: `ClusterIP of ${echoName(1)}`, target: { kind: "service-ip", namespace: HEALTH_NAMESPACE, service: echoName(1) }, port: 80, protocol: "tcp", path: "pod-service" },
    // The NodePort lands on the node that hosts its endpoint.
    {
      check: "nodeport",
      toLabel: `NodePort on ${other?.name} (endpoint on that node)`,
      target: { kind: "node", node: other?.name ?? "" },
      port: HEALTH_NODEPORT,
      protocol: "tcp",
      path: "pod-nodeport",
      needs: "two-workers",
    },
    { check: "pod-to-apiserver", toLabel: `API server (Service ${apiServer})`, target: { kind: "address", address: apiServer }, port: 443, protocol: "tcp", path: "pod-service" },
    { check: "pod-to-own-node", toLabel: `${client.node} kubelet`, target: { kind: "node", node: client.node }, port: KUBELET_PORT, protocol: "tcp", path: "pod-own-node-ip" },
    { check: "pod-to-other-node", toLabel: `${other?.name} kubelet`, target: { kind: "node", node: other?.name ?? "" }, port: KUBELET_PORT, protocol: "tcp", path: "pod-other-node-ip", needs: "two-workers" },
    { check: "pod-to-internet", toLabel: "internet (1.1.1.1)", target: { kind: "address", address: "1.1.1.1" }, port: 443, protocol: "tcp", path: "pod-internet", needs: "internet" },
  ];
  const probes: AssertedProbe[] = [];
  const skipped: SkippedProbe[] = [];
  for (const c of checks) {
    const id = `health/${c.check}`;
    if (c.needs === "two-workers" && !other) {
      skipped.push({ id, group: "health", reason: "needs two workers (cnilab:workers ≥ 2) to have a cross-node path" });
      continue;
    }
    if (c.needs === "internet" && !options.internet) {
      skipped.push({ id, group: "health", reason: "off by default; set cnilab:probeInternet: true to probe 1.1.1.1:443" });
      continue;
    }
    const { expect, why, limitation } = expectOnPath(backend, c.path);
    probes.push({
      id,
      group: "health",
      client: HEALTH_CLIENT,
      toLabel: c.toLabel,
      target: c.target,
      port: c.port,
      protocol: c.protocol,
      expect,
      why,
      basis: limitation ? { kind: "limitation", limitation: limitation.id } : { kind: "health" },
    });
  }
  return { probes, skipped };
}
