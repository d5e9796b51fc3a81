import type { IContainer } from "kubernetes-models/v1/Container" with { "resolution-mode": "import" };
import type { IVolume } from "kubernetes-models/v1/Volume" with { "resolution-mode": "import" };
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount" with { "resolution-mode": "import" };
import type { LimitationId } from "../backends/types";
import type { CheckKind } from "../labs";
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
  | { kind: "address"; address: string }
  /** A file in the probe's own container, on a volume its pod mounts (a file probe). */
  | { kind: "file"; path: string };

/** Why a probe expects what it expects: the engine's verdict, a backend limitation, or plain health. */
export type Basis =
  | { kind: "policy"; verdict: "allowed" | "denied"; notEnforced: readonly string[] }
  | { kind: "limitation"; limitation: LimitationId }
  | { kind: "health" }
  /** A fact about pods, Services or volumes a lab's check asserts (assertions/checks.ts); its why says which. */
  | { kind: "check"; check: CheckKind };

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
  /** What the Job's pod holds besides the probe container; absent for a plain source identity. */
  pod?: ClientPod;
}

/** Containers and volumes beside the probe in its pod: what a lab's checks probe from inside. */
export interface ClientPod {
  /**
   * Started before the probe: writers that run to completion first, and sidecars
   * (`restartPolicy: Always`) that keep serving while it probes and are stopped once it exits.
   */
  initContainers: IContainer[];
  volumes: IVolume[];
  /** The volumes as the probe container mounts them. */
  volumeMounts: IVolumeMount[];
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
