/**
 * How `workshop status` and `workshop reset` reach a participant's cluster: @kubernetes/client-node
 * with the kubeconfig `workshop up` saved. Behind the interfaces of workshop/status.ts and reset, so
 * tests put an API stand-in behind the kubeconfig.
 */
import { READINESS_NAME } from "../../plan/readiness";
import type { StatusCluster } from "../../workshop/status";
import type { ListedObject, ResettableKind } from "../../workshop/reset";
import { readJobLogs } from "../job-logs";
import { kubeApi } from "../../host/kube";

export interface ResetCluster {
  list(kind: ResettableKind, namespace: string): Promise<ListedObject[]>;
  remove(o: ListedObject): Promise<void>;
}

type Meta = { metadata?: { name?: string; ownerReferences?: unknown[] } };
type Lister = (namespace: string) => Promise<{ items: Meta[] }>;
type Remover = (namespace: string, name: string) => Promise<unknown>;

async function clients(kubeconfig: string) {
  const { k8s, kc } = await kubeApi(kubeconfig);
  return { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api), batch: kc.makeApiClient(k8s.BatchV1Api), net: kc.makeApiClient(k8s.NetworkingV1Api) };
}

export async function statusCluster(kubeconfig: string): Promise<StatusCluster> {
  const api = await clients(kubeconfig);
  return {
    async nodes() {
      const list = await api.core.listNode();
      return list.items.map((n) => ({ name: n.metadata?.name ?? "", ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") }));
    },
    async cniJob() {
      try {
        const job = await api.batch.readNamespacedJob({ namespace: "kube-system", name: READINESS_NAME });
        if ((job.status?.succeeded ?? 0) > 0) return "complete";
        return (job.status?.conditions ?? []).some((c) => c.type === "Failed" && c.status === "True") ? "failed" : "running";
      } catch (err) {
        if ((err as { code?: unknown }).code === 404) return "missing";
        throw err;
      }
    },
    jobLogs: (jobs) => readJobLogs(kubeconfig, jobs),
  };
}

export function resetCluster(kubeconfig: string): ResetCluster {
  const api = clients(kubeconfig);
  const table = async (): Promise<Record<ResettableKind, [Lister, Remover]>> => {
    const { core, apps, batch, net } = await api;
    // Background: the garbage collector then removes what the object owns (a Deployment's Pods).
    const bg = { propagationPolicy: "Background" };
    return {
      NetworkPolicy: [(namespace) => net.listNamespacedNetworkPolicy({ namespace }), (namespace, name) => net.deleteNamespacedNetworkPolicy({ namespace, name, ...bg })],
      Pod: [(namespace) => core.listNamespacedPod({ namespace }), (namespace, name) => core.deleteNamespacedPod({ namespace, name, ...bg })],
      Service: [(namespace) => core.listNamespacedService({ namespace }), (namespace, name) => core.deleteNamespacedService({ namespace, name, ...bg })],
      ConfigMap: [(namespace) => core.listNamespacedConfigMap({ namespace }), (namespace, name) => core.deleteNamespacedConfigMap({ namespace, name, ...bg })],
      ReplicationController: [(namespace) => core.listNamespacedReplicationController({ namespace }), (namespace, name) => core.deleteNamespacedReplicationController({ namespace, name, ...bg })],
      Deployment: [(namespace) => apps.listNamespacedDeployment({ namespace }), (namespace, name) => apps.deleteNamespacedDeployment({ namespace, name, ...bg })],
      ReplicaSet: [(namespace) => apps.listNamespacedReplicaSet({ namespace }), (namespace, name) => apps.deleteNamespacedReplicaSet({ namespace, name, ...bg })],
      DaemonSet: [(namespace) => apps.listNamespacedDaemonSet({ namespace }), (namespace, name) => apps.deleteNamespacedDaemonSet({ namespace, name, ...bg })],
      StatefulSet: [(namespace) => apps.listNamespacedStatefulSet({ namespace }), (namespace, name) => apps.deleteNamespacedStatefulSet({ namespace, name, ...bg })],
      Job: [(namespace) => batch.listNamespacedJob({ namespace }), (namespace, name) => batch.deleteNamespacedJob({ namespace, name, ...bg })],
    };
  };
  return {
    async list(kind, namespace) {
      const [list] = (await table())[kind];
      return (await list(namespace)).items.map((o) => ({ kind, namespace, name: o.metadata?.name ?? "", owned: (o.metadata?.ownerReferences?.length ?? 0) > 0 }));
    },
    async remove(o) {
      const [, remove] = (await table())[o.kind];
      await remove(o.namespace, o.name);
    },
  };
}
