/**
 * The in-cluster measurement as Kubernetes objects, as data (research/benchmarks.md §6.2–6.3). Two
 * servers on the second worker — one on the pod network behind a ClusterIP Service, one with
 * hostNetwork for the node↔node baseline — and one client Job per pair, pinned by
 * kubernetes.io/hostname, run one at a time. No CPU limits anywhere: CFS throttling would dominate.
 */
import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap" with { "resolution-mode": "import" };
import type { INamespace } from "kubernetes-models/v1/Namespace" with { "resolution-mode": "import" };
import type { IContainer } from "kubernetes-models/v1/Container" with { "resolution-mode": "import" };
import type { IPod } from "kubernetes-models/v1/Pod" with { "resolution-mode": "import" };
import type { IService } from "kubernetes-models/v1/Service" with { "resolution-mode": "import" };
import type { MeasuredPair } from "../datapath/results";
import { IMAGES } from "../pins";
import { mapImagesIn, type ImageMap } from "../pins/image-map";
import { iperfClientScript } from "./script";
import { PERF_PORTS, pairBudgetSeconds, type PerfSettings } from "./settings";

export const PERF_NAMESPACE = "cnilab-perf";
const CONFIG_MAP = "cnilab-rr";
const SERVER_LABEL = "cnilab.dev/perf-server";
const MOUNT = "/perf";
/** Pods go at once when deleted: the servers hold no state. */
const GRACE_SECONDS = 1;

export interface PerfNodes {
  /** The first worker: clients of every cross-node pair. */
  client: string;
  /** The second worker: both servers, and the same-node client. */
  server: string;
}

/** Where each pair's client runs, on which network, and which server address it measures. */
export const PAIR_LAYOUT: Record<MeasuredPair, { node: keyof PerfNodes; hostNetwork: boolean; target: keyof PairTargets }> = {
  "node-node": { node: "client", hostNetwork: true, target: "nodeIp" },
  "pod-pod-same-node": { node: "server", hostNetwork: false, target: "podIp" },
  "pod-pod-cross-node": { node: "client", hostNetwork: false, target: "podIp" },
  "pod-clusterip-cross-node": { node: "client", hostNetwork: false, target: "clusterIp" },
};

/** Addresses known once the servers run. */
export interface PairTargets {
  /** The server node's InternalIP: the hostNetwork server listens there. */
  nodeIp: string;
  /** The pod-network server's pod IP. */
  podIp: string;
  /** The Service's ClusterIP in front of the pod-network server. */
  clusterIp: string;
}

type Named<T> = T & { metadata: { name: string; namespace?: string } };

export interface ServerObjects {
  namespace: Named<INamespace>;
  configMap: Named<IConfigMap>;
  /** The pod-network server first, then the hostNetwork one. */
  pods: [Named<IPod>, Named<IPod>];
  service: Named<IService>;
}

const labels = (role: string) => ({ "app.kubernetes.io/name": "cnilab-perf", "app.kubernetes.io/component": role });
const rrMount = { name: "rr", mountPath: MOUNT, readOnly: true };
const rrVolume = { name: "rr", configMap: { name: CONFIG_MAP } };

/**
 * kubelet's tcpSocket probes come from the node's own namespace. Where that cannot reach the node's
 * pods (macvlan/ipvlan: backends' "node-to-own-pods"), a probed pod-network server would never become
 * Ready, so it goes unprobed and is Ready once its containers run; both servers listen at once.
 */
function serverPod(name: string, node: string, hostNetwork: boolean, probed: boolean): Named<IPod> {
  const probe = (port: number) => (probed ? { readinessProbe: { tcpSocket: { port }, periodSeconds: 2 } } : {});
  const containers: IContainer[] = [
    { name: "iperf3", image: IMAGES.networkPerf, command: ["iperf3", "-s", "-p", String(PERF_PORTS.iperf)], ...probe(PERF_PORTS.iperf) },
    {
      name: "rr",
      image: IMAGES.node,
      command: ["node", `${MOUNT}/rr.js`, "serve", "--rr-port", String(PERF_PORTS.rr), "--crr-port", String(PERF_PORTS.crr)],
      volumeMounts: [rrMount],
      ...probe(PERF_PORTS.rr),
    },
  ];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: PERF_NAMESPACE, labels: { ...labels("server"), [SERVER_LABEL]: hostNetwork ? "host" : "pod" } },
    spec: {
      nodeSelector: { "kubernetes.io/hostname": node },
      hostNetwork,
      terminationGracePeriodSeconds: GRACE_SECONDS,
      containers,
      volumes: [rrVolume],
    },
  };
}

/** `kubeletReachesPods`: false where the node's namespace cannot reach its own pods (see serverPod). Images through the stack's map. */
export function planServers(nodes: PerfNodes, rrBundle: string, kubeletReachesPods: boolean, imageMap: ImageMap): ServerObjects {
  return mapImagesIn<ServerObjects>({
    namespace: {
      apiVersion: "v1",
      kind: "Namespace",
      // hostNetwork pods (the baseline) are refused by the baseline and restricted Pod Security levels.
      metadata: { name: PERF_NAMESPACE, labels: { ...labels("namespace"), "pod-security.kubernetes.io/enforce": "privileged" } },
    },
    configMap: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: CONFIG_MAP, namespace: PERF_NAMESPACE }, data: { "rr.js": rrBundle } },
    pods: [serverPod("perf-server", nodes.server, false, kubeletReachesPods), serverPod("perf-server-host", nodes.server, true, true)],
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "perf-server", namespace: PERF_NAMESPACE, labels: labels("server") },
      spec: {
        type: "ClusterIP",
        selector: { [SERVER_LABEL]: "pod" },
        ports: [
          { name: "iperf3", port: PERF_PORTS.iperf, targetPort: PERF_PORTS.iperf, protocol: "TCP" },
          { name: "rr", port: PERF_PORTS.rr, targetPort: PERF_PORTS.rr, protocol: "TCP" },
          { name: "crr", port: PERF_PORTS.crr, targetPort: PERF_PORTS.crr, protocol: "TCP" },
        ],
      },
    },
  }, imageMap);
}

export function clientJobName(pair: MeasuredPair): string {
  return `perf-${pair}`;
}

/**
 * One pair's client: iperf3 runs first as an init container, then cnilab-rr, so the two never
 * share the path; each writes its own log.
 */
export function planClientJob(pair: MeasuredPair, settings: PerfSettings, nodes: PerfNodes, targets: PairTargets, imageMap: ImageMap): Named<IJob> {
  const layout = PAIR_LAYOUT[pair];
  const target = targets[layout.target];
  const budget = pairBudgetSeconds(settings);
  return mapImagesIn<Named<IJob>>({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: clientJobName(pair), namespace: PERF_NAMESPACE, labels: { ...labels("client"), "cnilab.dev/pair": pair } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: budget,
      template: {
        metadata: { labels: { ...labels("client"), "cnilab.dev/pair": pair } },
        spec: {
          restartPolicy: "Never",
          nodeSelector: { "kubernetes.io/hostname": nodes[layout.node] },
          hostNetwork: layout.hostNetwork,
          terminationGracePeriodSeconds: GRACE_SECONDS,
          initContainers: [{ name: "iperf3", image: IMAGES.networkPerf, command: ["sh", "-c", iperfClientScript(settings)], env: [{ name: "TARGET", value: target }] }],
          containers: [
            {
              name: "rr",
              image: IMAGES.node,
              command: [
                "node", `${MOUNT}/rr.js`, "client", "--to", target,
                "--rr-port", String(PERF_PORTS.rr), "--crr-port", String(PERF_PORTS.crr),
                "--tests", settings.rrTests.join(","),
                "--seconds", String(settings.durationSeconds), "--reps", String(settings.reps), "--warmup", String(settings.warmup),
              ],
              volumeMounts: [rrMount],
            },
          ],
          volumes: [rrVolume],
        },
      },
    },
  }, imageMap);
}
