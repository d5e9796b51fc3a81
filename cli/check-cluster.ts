/**
 * How `cnilab check --stack` reaches a participant's cluster (@kubernetes/client-node): the
 * NetworkPolicies of the exercise's namespaces, the addresses of its workloads' ready pods, the
 * node the probes run on, and the probe Jobs themselves, each created, awaited within its bound,
 * read and removed again. Behind one interface so tests hand an API stand-in.
 */
import type * as K8s from "@kubernetes/client-node";
import type { LiveJob } from "../exercises/live-plan";
import { waitFor } from "../perf/wait";
import type { NetworkPolicyLike } from "../policy";
import type { ProbeLog } from "../verdict/judge";
import { readJobLogs } from "./job-logs";
import { kubeApi } from "../host/kube";

export interface CheckCluster {
  /** Every NetworkPolicy of these namespaces as a plain networking.k8s.io/v1 object. */
  policies(namespaces: readonly string[]): Promise<NetworkPolicyLike[]>;
  /** The IPs of the Running, Ready pods that carry these labels, in address order. */
  podAddresses(namespace: string, labels: Readonly<Record<string, string>>): Promise<string[]>;
  /** Where the probe Jobs run: the first worker (a node without the control-plane role), else the first node. */
  probeNode(): Promise<string>;
  /** Runs the Jobs to their end (each within its bound) and returns each client's probe log; removes them after. */
  runJobs(jobs: readonly LiveJob[], progress: (line: string) => void): Promise<Record<string, ProbeLog>>;
}

/** Beyond a Job's own deadline: the API server noticing it. */
const JOB_GRACE_MS = 30_000;
/**
 * Waiting reasons of a probe container that no wait cures: the kubelet has failed to pull and backs
 * off, or the reference cannot be pulled at all. The check stops waiting for that Job (its log reader
 * reports the reason, cli/job-logs.ts) instead of sitting out its bound; the first ErrImagePull is
 * left to the kubelet's retry.
 */
const HOPELESS_WAITS: readonly string[] = ["ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"];
const status = (err: unknown) => (err as { code?: unknown }).code;
const ignoreMissing = (err: unknown) => {
  if (status(err) !== 404) throw err;
};

const selector = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/**
 * A typed client object back under the API's own field names. @kubernetes/client-node 2.0.1 renames
 * what its generator cannot use as a property (V1NetworkPolicyIngressRule's `from` is `_from`,
 * dist/gen/models/V1NetworkPolicyIngressRule.js); each model's attributeTypeMap pairs the two.
 */
export function apiFields(models: object, value: unknown, type: string): unknown {
  if (value === undefined || value === null) return value;
  const list = /^Array<(.+)>$/.exec(type);
  if (list && Array.isArray(value)) return value.map((v) => apiFields(models, v, list[1]!));
  const model = (models as Record<string, { getAttributeTypeMap?: () => { name: string; baseName: string; type: string }[] } | undefined>)[type];
  if (!model?.getAttributeTypeMap) return value;
  const fields = value as Record<string, unknown>;
  return Object.fromEntries(model.getAttributeTypeMap().flatMap((a) => (fields[a.name] === undefined ? [] : [[a.baseName, apiFields(models, fields[a.name], a.type)]])));
}

/** The cluster a live check reads, polled every $CNILAB_POLL_MS (2 s by default); the main and the terminal's check both use it. */
export function liveCheckCluster(kubeconfig: string, env: NodeJS.ProcessEnv): Promise<CheckCluster> {
  return kubeCheckCluster(kubeconfig, Number(env.CNILAB_POLL_MS ?? 2000));
}

export async function kubeCheckCluster(kubeconfig: string, pollMs: number): Promise<CheckCluster> {
  const { k8s, kc } = await kubeApi(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const networking = kc.makeApiClient(k8s.NetworkingV1Api);

  const remove = async (job: LiveJob) => {
    const { name, namespace } = job.objects.job.metadata;
    await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" }).catch(ignoreMissing);
    await core.deleteNamespacedConfigMap({ name: job.objects.configMap.metadata.name, namespace }).catch(ignoreMissing);
  };

  return {
    async policies(namespaces) {
      const lists = await Promise.all(namespaces.map((namespace) => networking.listNamespacedNetworkPolicy({ namespace })));
      // Only what the engine reads, under the API's field names: the typed client's extras (a Date
      // for creationTimestamp, managedFields) stay behind.
      return lists.flatMap((l) =>
        l.items.map((p): NetworkPolicyLike => ({
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: p.metadata?.name ?? "", namespace: p.metadata?.namespace ?? "default" },
          spec: apiFields(k8s, p.spec ?? {}, "V1NetworkPolicySpec"),
        })),
      );
    },
    async podAddresses(namespace, labels) {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selector(labels) });
      const ready = (p: K8s.V1Pod) => p.status?.phase === "Running" && (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
      return pods.items.filter(ready).flatMap((p) => (p.status?.podIP ? [p.status.podIP] : [])).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    },
    async probeNode() {
      const nodes = (await core.listNode()).items.map((n) => ({ name: n.metadata?.name ?? "", controlPlane: "node-role.kubernetes.io/control-plane" in (n.metadata?.labels ?? {}) }));
      const node = nodes.find((n) => !n.controlPlane) ?? nodes[0];
      if (!node?.name) throw new Error("the cluster lists no node");
      return node.name;
    },
    async runJobs(jobs, progress) {
      try {
        for (const job of jobs) {
          const { namespace } = job.objects.job.metadata;
          // A check interrupted earlier may have left its Job: this run's replaces it.
          await remove(job);
          await core.createNamespacedConfigMap({ namespace, body: job.objects.configMap as K8s.V1ConfigMap });
          await batch.createNamespacedJob({ namespace, body: job.objects.job as K8s.V1Job });
          progress(`probe Job ${namespace}/${job.objects.job.metadata.name} started (bound ${job.boundSeconds} s)`);
        }
        await Promise.all(
          jobs.map(({ objects, boundSeconds }) => {
            const { name, namespace } = objects.job.metadata;
            return waitFor(`Job ${namespace}/${name} to finish`, boundSeconds * 1000 + JOB_GRACE_MS, pollMs, async () => {
              const s = (await batch.readNamespacedJob({ name, namespace })).status;
              if ((s?.succeeded ?? 0) > 0 || (s?.failed ?? 0) > 0) return true;
              const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` });
              const stuck = pods.items.flatMap((p) => p.status?.containerStatuses ?? []).find((c) => HOPELESS_WAITS.includes(c.state?.waiting?.reason ?? ""));
              return stuck ? true : undefined;
            }).catch((err: Error) => progress(err.message));
          }),
        );
        return await readJobLogs(
          kubeconfig,
          jobs.map((j) => ({ client: j.client.name, namespace: j.objects.job.metadata.namespace, name: j.objects.job.metadata.name })),
        );
      } finally {
        for (const job of jobs) await remove(job).catch((err: Error) => progress(`could not remove ${job.objects.job.metadata.name}: ${err.message.split("\n")[0]}`));
      }
    },
  };
}
