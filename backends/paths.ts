import type { ProbeOutcome } from "../probe/types";
import type { BackendFacts, Limitation, LimitationId } from "./types";

/**
 * The paths a pod's probe takes, each with the backend limitations that break it, in the order the
 * packet meets them: the first limitation the backend has decides the outcome. The cluster's health
 * suite and policy probes and the datapath lab's probes all expect through this one table.
 */
export const POD_PATHS = {
  "pod-same-node": { limitedBy: [] },
  "pod-other-node": { limitedBy: [] },
  "pod-own-node-ip": { limitedBy: ["pod-to-own-node"] },
  "pod-other-node-ip": { limitedBy: ["pod-to-other-node"] },
  /** A ClusterIP (a Service's, the API server's): kube-proxy's DNAT on the path. */
  "pod-service": { limitedBy: ["pod-to-clusterip"] },
  /** A Service by name: cluster DNS is itself a ClusterIP Service, so the lookup is what fails. */
  "pod-service-name": { limitedBy: ["pod-to-clusterip"], viaDns: true },
  /** A NodePort on the node that hosts its endpoint: reaching that node, then its DNAT to its own pod. */
  "pod-nodeport": { limitedBy: ["pod-to-other-node", "node-to-own-pods"] },
  "pod-internet": { limitedBy: [] },
} as const satisfies Record<string, { limitedBy: readonly LimitationId[]; viaDns?: true }>;
export type PodPath = keyof typeof POD_PATHS;

export interface PathExpectation {
  expect: ProbeOutcome;
  why: string;
  /** The limitation that breaks the path on this backend, if one does. */
  limitation?: Limitation;
}

/** What a probe on `path` shows on this backend: connected, or the exact failure of the first limitation met. */
export function expectOnPath(facts: Pick<BackendFacts, "title" | "limitations">, path: PodPath): PathExpectation {
  const rule: { limitedBy: readonly LimitationId[]; viaDns?: true } = POD_PATHS[path];
  const limitation = rule.limitedBy.map((id) => facts.limitations.find((l) => l.id === id)).find((l) => l !== undefined);
  if (!limitation) return { expect: "connected", why: "a working pod network connects this path" };
  if (rule.viaDns) return { expect: "dns-error", why: `${facts.title}: cluster DNS is a ClusterIP Service, and ${limitation.why}`, limitation };
  return { expect: limitation.outcome, why: `${facts.title}: ${limitation.why}`, limitation };
}
