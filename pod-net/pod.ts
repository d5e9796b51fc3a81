/**
 * The Pod side of `explain pod`: the fields of a v1 Pod read here (what `kubectl get pod -o json`
 * prints), and what can be explained about it before anything is read on a node. Pure.
 */

export interface ApiPod {
  metadata?: { namespace?: string; name?: string; uid?: string };
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: { name?: string }[] };
  status?: { phase?: string; podIP?: string };
}

export interface PodView {
  namespace: string;
  name: string;
  uid: string;
  /** The node the scheduler bound it to (a kind node is the container of that name). */
  node?: string;
  phase: string;
  ip?: string;
  hostNetwork: boolean;
  containers: string[];
}

export function podView(pod: ApiPod): PodView {
  const m = pod.metadata ?? {};
  return {
    namespace: m.namespace ?? "default",
    name: m.name ?? "",
    uid: m.uid ?? "",
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    phase: pod.status?.phase ?? "Unknown",
    ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}),
    hostNetwork: pod.spec?.hostNetwork === true,
    containers: (pod.spec?.containers ?? []).map((c) => c.name ?? "").filter((n) => n !== ""),
  };
}

/**
 * What stops the node from being read, or a host-network pod's whole story. "explain" is a full
 * answer (exit 0); "cannot" means there is no sandbox network to show yet, or any more (exit 2).
 */
export function beforeNode(pod: PodView): { kind: "explain" | "cannot"; text: string } | undefined {
  const ref = `Pod ${pod.namespace}/${pod.name}`;
  if (pod.hostNetwork) {
    return {
      kind: "explain",
      text:
        `${ref} uses hostNetwork: it has no network namespace of its own and shares node ${pod.node ?? "(not scheduled yet)"}'s` +
        `${pod.ip ? ` (its IP ${pod.ip} is the node's address)` : ""}; its pause container holds its other namespaces, ` +
        "its containers see the node's interfaces, routes and ports, and no veth or CNI plugin is involved",
    };
  }
  if (!pod.node) return { kind: "cannot", text: `${ref} is ${pod.phase} and not scheduled to a node yet: it has no sandbox and no IP` };
  if (pod.phase === "Succeeded" || pod.phase === "Failed") {
    return { kind: "cannot", text: `${ref} has ${pod.phase === "Succeeded" ? "completed" : "failed"} (phase ${pod.phase}): kubelet has torn down its sandbox and network namespace` };
  }
  if (!pod.ip) return { kind: "cannot", text: `${ref} on node ${pod.node} is ${pod.phase} and has no IP yet: its sandbox's network is not set up (kubectl describe pod -n ${pod.namespace} ${pod.name} says why)` };
  return undefined;
}
