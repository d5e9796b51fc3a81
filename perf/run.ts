/**
 * Runs the measurement against a live cluster through @kubernetes/client-node: idle footprint
 * first (nothing of ours is running yet), then the servers, then one client Job per pair, one at a
 * time; every wait is bounded, and the namespace is removed at the end, also on failure. What the
 * logs say becomes a BenchRun (datapath/results.ts) and the node's observed datapath facts.
 */
import type * as K8s from "@kubernetes/client-node";
import { BACKEND_FACTS } from "../backends";
import type { Backend, LimitationId } from "../backends/types";
import { BASELINE, summarizeBench, type BenchRun, type BenchSample, type MeasuredPair } from "../datapath/results";
import { deviceMtu, type ObservedFacts } from "./facts";
import type { HostTools } from "./host";
import { parseIperfLog, parseRrLog, pairSamples, type IperfLog } from "./parse";
import { PERF_NAMESPACE, clientJobName, planClientJob, planServers, type PairTargets, type PerfNodes } from "./plan";
import { bundleRr } from "./rr-bundle";
import { pairBudgetSeconds, type PerfSettings } from "./settings";
import { waitFor } from "./wait";
import type { ImageMap } from "../pins/image-map";
import { kubeApi } from "../host/kube";

export interface PerfRunOptions {
  kubeconfig: string;
  stack: string;
  backend: Backend;
  clusterName: string;
  nodes: PerfNodes;
  settings: PerfSettings;
  /** Recorded in the fingerprint: the node image the stack asks for. */
  nodeImage: string;
  /** The stack's `cnilab:imageMap`: the servers and clients run the mapped images. */
  imageMap: ImageMap;
  kubeProxyMode: string;
  host: HostTools;
  /** Bound on the servers becoming Ready (image pulls included). */
  readyTimeoutMs: number;
  pollMs: number;
  progress: (line: string) => void;
}

export interface PerfRunResult {
  run: BenchRun;
  facts: ObservedFacts;
  /** Every run or step that failed, one sentence each; the rest of the measurement went on. */
  problems: string[];
}

interface Apis {
  core: K8s.CoreV1Api;
  batch: K8s.BatchV1Api;
}

const status = (err: unknown): number | undefined => (err as { code?: number }).code;

async function removeNamespace(apis: Apis, waitMs: number, pollMs: number): Promise<void> {
  try {
    await apis.core.deleteNamespace({ name: PERF_NAMESPACE });
  } catch (err) {
    if (status(err) === 404) return;
    throw err;
  }
  await waitFor(`namespace ${PERF_NAMESPACE} to be deleted`, waitMs, pollMs, async () => {
    try {
      await apis.core.readNamespace({ name: PERF_NAMESPACE });
      return undefined;
    } catch (err) {
      return status(err) === 404 ? true : undefined;
    }
  });
}

/** Why a pod is not Ready yet, for the timeout message: the containers' waiting reasons. */
function podState(pod: K8s.V1Pod): string {
  const waiting = (pod.status?.containerStatuses ?? []).map((c) => c.state?.waiting?.reason).filter(Boolean);
  return `${pod.status?.phase ?? "no phase"}${waiting.length > 0 ? ` (${waiting.join(", ")})` : ""}`;
}

/** A pair the backend cannot connect by design is skipped with the limitation's reason, not failed. */
const PAIR_LIMITED_BY: Partial<Record<MeasuredPair, LimitationId>> = { "pod-clusterip-cross-node": "pod-to-clusterip" };

async function startServers(apis: Apis, o: PerfRunOptions): Promise<PairTargets> {
  const limits = BACKEND_FACTS[o.backend].limitations.map((l) => l.id);
  const objects = planServers(o.nodes, bundleRr(), !limits.includes("node-to-own-pods"), o.imageMap);
  await apis.core.createNamespace({ body: objects.namespace as K8s.V1Namespace });
  await apis.core.createNamespacedConfigMap({ namespace: PERF_NAMESPACE, body: objects.configMap as K8s.V1ConfigMap });
  for (const pod of objects.pods) await apis.core.createNamespacedPod({ namespace: PERF_NAMESPACE, body: pod as K8s.V1Pod });
  const service = await apis.core.createNamespacedService({ namespace: PERF_NAMESPACE, body: objects.service as K8s.V1Service });
  const ready = async (name: string) => {
    let last = "not created";
    return waitFor(`pod ${PERF_NAMESPACE}/${name} to be Ready`, o.readyTimeoutMs, o.pollMs, async () => {
      const pod = await apis.core.readNamespacedPod({ name, namespace: PERF_NAMESPACE });
      last = podState(pod);
      const isReady = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      return isReady && pod.status?.podIP ? pod : undefined;
    }, () => last);
  };
  const [podServer, hostServer] = [await ready(objects.pods[0].metadata.name), await ready(objects.pods[1].metadata.name)];
  const clusterIp = service.spec?.clusterIP;
  if (!clusterIp) throw new Error(`Service ${PERF_NAMESPACE}/perf-server has no ClusterIP`);
  // hostIP of the hostNetwork server is its node's InternalIP, where that server listens.
  return { podIp: podServer.status!.podIP!, nodeIp: hostServer.status!.hostIP ?? hostServer.status!.podIP!, clusterIp };
}

async function containerLog(apis: Apis, pod: string, container: string): Promise<string> {
  try {
    return await apis.core.readNamespacedPodLog({ name: pod, namespace: PERF_NAMESPACE, container });
  } catch (err) {
    return `(no log for ${container}: ${(err as Error).message.split("\n")[0]})`;
  }
}

/** Runs one pair's Job to its end and returns both containers' logs. */
async function runPair(apis: Apis, o: PerfRunOptions, pair: MeasuredPair, targets: PairTargets): Promise<{ iperf: string; rr: string; outcome: string }> {
  const name = clientJobName(pair);
  await apis.batch.createNamespacedJob({ namespace: PERF_NAMESPACE, body: planClientJob(pair, o.settings, o.nodes, targets, o.imageMap) as K8s.V1Job });
  try {
    // The Job's own activeDeadlineSeconds ends it first; the extra minute covers scheduling and pulls.
    const outcome = await waitFor(`Job ${PERF_NAMESPACE}/${name} to finish`, (pairBudgetSeconds(o.settings) + 60) * 1000, o.pollMs, async () => {
      const job = await apis.batch.readNamespacedJob({ name, namespace: PERF_NAMESPACE });
      if ((job.status?.succeeded ?? 0) > 0) return "succeeded";
      if ((job.status?.failed ?? 0) > 0) return `failed (${job.status?.conditions?.find((c) => c.type === "Failed")?.reason ?? "no reason given"})`;
      return undefined;
    });
    const pods = await apis.core.listNamespacedPod({ namespace: PERF_NAMESPACE, labelSelector: `job-name=${name}` });
    const pod = pods.items[0]?.metadata?.name;
    if (!pod) return { iperf: "", rr: "", outcome: `${outcome}, but its pod is gone` };
    return { iperf: await containerLog(apis, pod, "iperf3"), rr: await containerLog(apis, pod, "rr"), outcome };
  } finally {
    await apis.batch.deleteNamespacedJob({ name, namespace: PERF_NAMESPACE, propagationPolicy: "Background" }).catch(() => undefined);
  }
}

export async function runPerf(o: PerfRunOptions): Promise<PerfRunResult> {
  const { k8s, kc } = await kubeApi(o.kubeconfig);
  const apis: Apis = { core: kc.makeApiClient(k8s.CoreV1Api), batch: kc.makeApiClient(k8s.BatchV1Api) };
  const problems: string[] = [];
  const samples: BenchSample[] = [];
  const logs: Partial<Record<MeasuredPair, IperfLog>> = {};

  o.progress("idle footprint of the node containers (docker stats)");
  const nodes = await o.host.footprint(o.clusterName).catch((err: Error) => void problems.push(`idle footprint: ${err.message}`));
  await removeNamespace(apis, 120_000, o.pollMs);
  try {
    o.progress(`servers on ${o.nodes.server} (pod network and hostNetwork)`);
    const targets = await startServers(apis, o);
    for (const pair of o.settings.pairs) {
      const limit = PAIR_LIMITED_BY[pair] && BACKEND_FACTS[o.backend].limitations.find((l) => l.id === PAIR_LIMITED_BY[pair]);
      if (limit) {
        o.progress(`${pair}: skipped — ${BACKEND_FACTS[o.backend].title}: ${limit.why}`);
        continue;
      }
      o.progress(`${pair}: ${[...o.settings.iperfTests, ...o.settings.rrTests].join(", ")} — ${o.settings.warmup} warm-up + ${o.settings.reps} × ${o.settings.durationSeconds} s`);
      const out = await runPair(apis, o, pair, targets);
      const iperf = parseIperfLog(out.iperf);
      const rr = parseRrLog(out.rr);
      logs[pair] = iperf;
      if (!out.outcome.startsWith("succeeded")) problems.push(`${pair}: client Job ${out.outcome}`);
      problems.push(...[...iperf.problems, ...rr.problems].map((p) => `${pair}: ${p}`));
      samples.push(...pairSamples(pair === "node-node" ? BASELINE : o.backend, pair, iperf, rr));
    }
  } finally {
    o.progress(`removing namespace ${PERF_NAMESPACE}`);
    await removeNamespace(apis, 60_000, o.pollMs).catch((err: Error) => void problems.push(`cleanup: ${err.message} (kubectl delete namespace ${PERF_NAMESPACE})`));
  }

  const network = await o.host.nodeNetwork(o.nodes.client).catch((err: Error) => {
    problems.push(`node facts: ${err.message}`);
    return { routes: [], devices: [], podInterfaces: 0 };
  });
  const podMtu = (logs["pod-pod-cross-node"] ?? logs["pod-pod-same-node"])?.mtu;
  const nodeMtu = logs["node-node"]?.mtu ?? deviceMtu(network.devices, "eth0");
  const facts: ObservedFacts = { backend: o.backend, node: o.nodes.client, ...(podMtu ? { podMtu } : {}), ...(nodeMtu ? { nodeMtu } : {}), ...network };
  const run: BenchRun = {
    host: await fingerprint(apis, o, podMtu, nodeMtu),
    settings: { durationSeconds: o.settings.durationSeconds, reps: o.settings.reps, warmup: o.settings.warmup, underlayMtu: nodeMtu ?? 0 },
    skipped: [],
    samples,
    summary: summarizeBench(samples),
    ...(nodes ? { nodes } : {}),
    ...(problems.length > 0 ? { problems } : {}),
  };
  return { run, facts, problems };
}

async function fingerprint(apis: Apis, o: PerfRunOptions, podMtu: number | undefined, nodeMtu: number | undefined): Promise<Record<string, string>> {
  const info = await apis.core.readNode({ name: o.nodes.client }).then((n) => n.status?.nodeInfo, () => undefined);
  return {
    ...(await o.host.fingerprint()),
    kernel: info?.kernelVersion ?? "unknown",
    nodeOs: info?.osImage ?? "unknown",
    kubelet: info?.kubeletVersion ?? "unknown",
    containerRuntime: info?.containerRuntimeVersion ?? "unknown",
    nodeImage: o.nodeImage,
    kubeProxyMode: o.kubeProxyMode,
    stack: o.stack,
    backend: o.backend,
    mode: o.settings.mode,
    podMtu: podMtu ? String(podMtu) : "unknown",
    nodeMtu: nodeMtu ? String(nodeMtu) : "unknown",
  };
}
