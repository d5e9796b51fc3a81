/**
 * What `cnilab migrate` does inside the running cluster between its Pulumi updates, through the API
 * server (@kubernetes/client-node, the stack's kubeconfig) and, to read a node's devices and routes,
 * `docker exec` on the kind node (perf/host.ts): restart a DaemonSet, run the cleanup Jobs, recreate pods, take a
 * snapshot. Behind one interface so the run (migrate-run.ts) is tested with a fake cluster.
 */
import type * as K8s from "@kubernetes/client-node";
import type { K8sObject } from "../../backends";
import type { Backend } from "../../backends";
import { CLEANUP_DEADLINE_SECONDS, CLEANUP_NAMESPACE } from "../../migrate/cleanup-job";
import type { LabSnapshot, NodeNetwork } from "../../migrate/changes";
import { hostTools } from "../../perf/host";
import { waitFor } from "../../perf/wait";
import { containersWaiting, kubeApi } from "../../host/kube";

export interface CleanupResult {
  node: string;
  job: string;
  succeeded: boolean;
  /** The script's output (its removed/absent/kept/failed lines), or why there is none. */
  log: string;
}

export interface MigrationCluster {
  nodeNames(): Promise<string[]>;
  /** Rollout restart, then waits until every node runs a pod of the new template. */
  restartDaemonSet(namespace: string, name: string, say: (line: string) => void): Promise<void>;
  /** Creates the Jobs, waits for each to finish, reads its log, deletes it. */
  runCleanupJobs(jobs: readonly K8sObject[], say: (line: string) => void): Promise<CleanupResult[]>;
  /** Deletes every running pod off the host network that a controller owns; returns them as namespace/name. */
  recreatePods(): Promise<string[]>;
  snapshot(backend: Backend): Promise<LabSnapshot>;
}

/** The controllers that make a deleted pod again. */
const RECREATING_OWNERS = new Set(["ReplicaSet", "ReplicationController", "DaemonSet", "StatefulSet"]);
const POLL_MS = 2000;
/** flanneld starts in seconds; a node image pull of flannel's is already done. Five minutes means it is stuck. */
const ROLLOUT_TIMEOUT_MS = 300_000;

/** Which pods `recreatePods` deletes: on the pod network, not finished, owned by a controller that makes them again. */
export function recreatable(pod: Pick<K8s.V1Pod, "spec" | "status" | "metadata">): boolean {
  if (pod.spec?.hostNetwork) return false;
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return false;
  return (pod.metadata?.ownerReferences ?? []).some((o) => o.controller && RECREATING_OWNERS.has(o.kind));
}

export async function kindMigrationCluster(kubeconfig: string, env: NodeJS.ProcessEnv): Promise<MigrationCluster> {
  const { k8s, kc } = await kubeApi(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  // A node's routes and devices as `cnilab perf` reads them (docker exec <node> ip …).
  const host = hostTools(env);
  const nodeNames = async () => (await core.listNode()).items.map((n) => n.metadata?.name ?? "").filter((n) => n !== "");
  /** The Job's pod log; a pod that never ran has none, and then why (its container's waiting reason: ErrImagePull, …). */
  const jobLog = async (job: string): Promise<string> => {
    const pod = (await core.listNamespacedPod({ namespace: CLEANUP_NAMESPACE, labelSelector: `job-name=${job}` })).items[0];
    if (!pod?.metadata?.name) return "no pod left to read";
    try {
      return await core.readNamespacedPodLog({ name: pod.metadata.name, namespace: CLEANUP_NAMESPACE });
    } catch {
      return `no log: the pod never ran (${containersWaiting(pod) ?? pod.status?.phase ?? "no status"})`;
    }
  };
  return {
    nodeNames,
    async restartDaemonSet(namespace, name, say) {
      // What `kubectl rollout restart` does: a new pod-template annotation, so the controller replaces every pod.
      const body = { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } } } } };
      await apps.patchNamespacedDaemonSet({ name, namespace, body }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
      let last = "";
      await waitFor(`DaemonSet ${namespace}/${name} to roll out`, ROLLOUT_TIMEOUT_MS, POLL_MS, async () => {
        const ds = await apps.readNamespacedDaemonSet({ name, namespace });
        const s = ds.status;
        const state = `${s?.updatedNumberScheduled ?? 0}/${s?.desiredNumberScheduled ?? 0} updated, ${s?.numberAvailable ?? 0} available`;
        if (state !== last) say(`${namespace}/${name}: ${state}`);
        last = state;
        const current = (s?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
        const desired = s?.desiredNumberScheduled ?? -1;
        return current && s?.updatedNumberScheduled === desired && s?.numberAvailable === desired ? true : undefined;
      }, () => last);
    },
    async runCleanupJobs(jobs, say) {
      for (const job of jobs) {
        // A Job of that name left by an earlier run that stopped midway goes first.
        await batch.deleteNamespacedJob({ name: job.metadata.name, namespace: CLEANUP_NAMESPACE, propagationPolicy: "Foreground" }).catch(() => undefined);
        await waitFor(`the old Job ${job.metadata.name} to go`, 60_000, POLL_MS, async () => batch.readNamespacedJob({ name: job.metadata.name, namespace: CLEANUP_NAMESPACE }).then(() => undefined, () => true));
        await batch.createNamespacedJob({ namespace: CLEANUP_NAMESPACE, body: job as K8s.V1Job });
      }
      const results: CleanupResult[] = [];
      try {
        for (const job of jobs) {
          const name = job.metadata.name;
          const node = job.metadata.labels?.["cnilab.io/node"] ?? "";
          const succeeded = await waitFor(`Job ${CLEANUP_NAMESPACE}/${name} on ${node} to finish`, (CLEANUP_DEADLINE_SECONDS + 60) * 1000, POLL_MS, async () => {
            const s = (await batch.readNamespacedJob({ name, namespace: CLEANUP_NAMESPACE })).status;
            return (s?.succeeded ?? 0) > 0 ? true : (s?.failed ?? 0) > 0 ? false : undefined;
          });
          say(`${node}: cleanup ${succeeded ? "done" : "failed"}`);
          results.push({ node, job: name, succeeded, log: await jobLog(name) });
        }
      } finally {
        for (const job of jobs) await batch.deleteNamespacedJob({ name: job.metadata.name, namespace: CLEANUP_NAMESPACE, propagationPolicy: "Background" }).catch(() => undefined);
      }
      return results;
    },
    async recreatePods() {
      const pods = (await core.listPodForAllNamespaces()).items.filter(recreatable);
      for (const pod of pods) await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace! });
      return pods.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`);
    },
    async snapshot(backend) {
      const nodes: NodeNetwork[] = [];
      for (const node of await nodeNames()) nodes.push({ node, ...(await host.nodeNetwork(node)) });
      const pods = (await core.listPodForAllNamespaces()).items
        .filter((p) => !p.spec?.hostNetwork && p.status?.podIP)
        .map((p) => ({ namespace: p.metadata?.namespace ?? "", name: p.metadata?.name ?? "", ip: p.status!.podIP! }));
      return { backend, nodes, pods };
    },
  };
}
