/**
 * How `explain service` and `explain pod` reach a running lab: the Service, its EndpointSlices and
 * the Pod through the API server (@kubernetes/client-node, the kubeconfig kind writes), what a node
 * shows through `docker exec` on its container. Behind one interface so tests replace the cluster.
 */
import type { ApiEndpointSlice, ApiService } from "../kube-proxy/service";
import type { ApiPod } from "../pod-net/pod";
import { dockerExecutable } from "../host/kind";
import { runProcess, type RunResult } from "../host/run";
import { kubeApi } from "../host/kube";

const NODE_TIMEOUT_MS = 30_000;

export interface ServiceCluster {
  /** The Service, or undefined when the API server says 404; throws when the API cannot be reached. */
  service(namespace: string, name: string): Promise<ApiService | undefined>;
  /** The Services of a namespace by name, to suggest one when the name is wrong. */
  serviceNames(namespace: string): Promise<string[]>;
  /** The EndpointSlices kube-proxy reads for the Service (label kubernetes.io/service-name). */
  endpointSlices(namespace: string, name: string): Promise<ApiEndpointSlice[]>;
  /** A command run inside a node container. */
  onNode(node: string, argv: readonly string[]): Promise<RunResult>;
}

export interface PodCluster {
  /** The Pod, or undefined when the API server says 404; throws when the API cannot be reached. */
  pod(namespace: string, name: string): Promise<ApiPod | undefined>;
  /** The Pods of a namespace by name, to suggest one when the name is wrong. */
  podNames(namespace: string): Promise<string[]>;
  onNode(node: string, argv: readonly string[]): Promise<RunResult>;
}

export type LabCluster = ServiceCluster & PodCluster;

/** The object, or undefined when the API server answers 404; any other failure is thrown. */
async function unlessNotFound<T>(read: () => Promise<unknown>): Promise<T | undefined> {
  try {
    return (await read()) as T;
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) return undefined;
    throw err;
  }
}

/** The names of a list's items. */
const namesOf = (items: readonly { metadata?: { name?: string } }[]) => items.map((i) => i.metadata?.name ?? "").filter((n) => n !== "");

export async function kindCluster(kubeconfig: string, env: NodeJS.ProcessEnv): Promise<LabCluster> {
  const { k8s, kc } = await kubeApi(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  const docker = dockerExecutable(env);
  return {
    service: (namespace, name) => unlessNotFound<ApiService>(() => core.readNamespacedService({ namespace, name })),
    serviceNames: async (namespace) => namesOf((await core.listNamespacedService({ namespace })).items),
    async endpointSlices(namespace, name) {
      // kube-proxy groups slices by this label (kubernetes/kubernetes v1.34.0 pkg/proxy/endpointslicecache.go).
      const list = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
      return list.items as ApiEndpointSlice[];
    },
    pod: (namespace, name) => unlessNotFound<ApiPod>(() => core.readNamespacedPod({ namespace, name })),
    podNames: async (namespace) => namesOf((await core.listNamespacedPod({ namespace })).items),
    onNode: (node, argv) => runProcess(docker, ["exec", node, ...argv], env, NODE_TIMEOUT_MS),
  };
}
