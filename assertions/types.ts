import type { LimitationId } from "../backends/types";
import type { ProbeEndpoint, ProbeOutcome, ProbeProtocol } from "../probe/types";

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

export interface AssertedProbe {
  /** Stable id, also the probe program's id (after resolution a pod index may be appended). */
  id: string;
  /** The scenario name, or "health". */
  group: string;
  /** The client identity (a lab client, or the health client) whose Job runs the probe. */
  client: string;
  /** Human name of the destination ("default/nginx", "node cnilab-x-worker2"). */
  toLabel: string;
  target: Target;
  port: number;
  protocol: ProbeProtocol;
  expect: ProbeOutcome;
  why: string;
  basis: Basis;
}

/** A probe that cannot run on this stack, and why (a named requirement the stack lacks). */
export interface SkippedProbe {
  id: string;
  group: string;
  reason: string;
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
export interface ResolvedProbe extends Omit<AssertedProbe, "target"> {
  to: string;
  endpoint?: ProbeEndpoint;
}
