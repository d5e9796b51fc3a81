import type { LimitationId } from "../backends/types";
import type { PlannedProbe, SkippedProbe } from "../verdict/types";

/**
 * What a lab asserts, as data: every connection it will try, from which source identity, and the
 * exact outcome it expects with the reason. Targets whose addresses exist only once the cluster runs
 * (pod IPs, ClusterIPs, node IPs) are symbolic here and resolved at deploy time.
 */

export type Target =
  /**
   * Every pod of a workload, probed by IP: one probe per replica, each addressed as an endpoint of the
   * workload's Service and resolved inside the cluster (probe/resolve.ts).
   */
  | { kind: "pods"; namespace: string; workload: string; service: string; replicas: number }
  /** A Service by DNS name: cluster DNS and kube-proxy on the path. */
  | { kind: "service-name"; host: string }
  /** A Service's ClusterIP: kube-proxy on the path, no DNS. */
  | { kind: "service-ip"; namespace: string; service: string }
  /** A node's address on the lab network. */
  | { kind: "node"; node: string }
  /** A fixed address (the API server's first service IP, an internet address). */
  | { kind: "address"; address: string };

/** Why a probe expects what it expects: the engine's verdict, a backend limitation, or plain health. */
export type Basis =
  | { kind: "policy"; verdict: "allowed" | "denied"; notEnforced: readonly string[] }
  | { kind: "limitation"; limitation: LimitationId }
  | { kind: "health" };

/**
 * A probe of the shared language (verdict/types.ts) before its target is resolved: `target` is
 * symbolic, `toLabel` names it for people, `client` is the Job's source identity, `group` the scenario
 * or "health"; `basis` records where the expectation comes from.
 */
export interface AssertedProbe extends Omit<PlannedProbe, "to" | "endpoint" | "accept"> {
  target: Target;
  basis: Basis;
}

/** One source identity: an assertion Job's pod carries exactly these labels, on this node. */
export interface ProbeClient {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  node: string;
}

export interface AssertionPlan {
  clients: ProbeClient[];
  probes: AssertedProbe[];
  skipped: SkippedProbe[];
}

/**
 * A probe with its target resolved: an address, or (for a pod) an endpoint of its Service that the
 * probe looks up in the cluster; `to` then names that endpoint ("default/nginx#0").
 */
export interface ResolvedProbe extends PlannedProbe {
  basis: Basis;
}
