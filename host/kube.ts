/**
 * A cluster's API through @kubernetes/client-node, from a kubeconfig's text: the module (loaded on
 * first use, so commands that never reach a cluster do not load it) and the loaded configuration,
 * from which each caller makes the API clients it needs.
 */
import type * as K8s from "@kubernetes/client-node";

export async function kubeApi(kubeconfig: string): Promise<{ k8s: typeof K8s; kc: K8s.KubeConfig }> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  return { k8s, kc };
}

/** What the pod's containers (or the one named) wait on, as the kubelet says it (`ImagePullBackOff: Back-off pulling image "…"`); undefined when none waits. */
export function containersWaiting(pod: Pick<K8s.V1Pod, "status">, container?: string): string | undefined {
  const waits = (pod.status?.containerStatuses ?? [])
    .filter((c) => container === undefined || c.name === container)
    .flatMap((c) => (c.state?.waiting ? [[c.state.waiting.reason ?? "no reason given", c.state.waiting.message].filter((x) => x).join(": ")] : []));
  return waits.length > 0 ? waits.join("; ") : undefined;
}
