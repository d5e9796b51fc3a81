/**
 * How `explain service` reaches a running lab: the Service and its EndpointSlices through the API
 * server (@kubernetes/client-node, the kubeconfig kind writes), the rules through `docker exec` on
 * a node container. Behind one interface so tests replace the cluster.
 */
import type { ApiEndpointSlice, ApiService } from "../kube-proxy/service";
import { runProcess, type RunResult } from "../host/run";

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

const notFound = (err: unknown) => (err as { code?: unknown }).code === 404;

export async function kindCluster(kubeconfig: string, env: NodeJS.ProcessEnv): Promise<ServiceCluster> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  const docker = env.CNILAB_DOCKER || "docker";
  return {
    async service(namespace, name) {
      try {
        return (await core.readNamespacedService({ namespace, name })) as ApiService;
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async serviceNames(namespace) {
      const list = await core.listNamespacedService({ namespace });
      return list.items.map((s) => s.metadata?.name ?? "").filter((n) => n !== "");
    },
    async endpointSlices(namespace, name) {
      // kube-proxy groups slices by this label (kubernetes/kubernetes v1.34.0 pkg/proxy/endpointslicecache.go).
      const list = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
      return list.items as ApiEndpointSlice[];
    },
    onNode: (node, argv) => runProcess(docker, ["exec", node, ...argv], env, NODE_TIMEOUT_MS),
  };
}
