/**
 * The reachability engine's input and output, as plain data. NetworkPolicies are the
 * `networking.k8s.io/v1` objects themselves (the generated kubernetes-models type, used for its
 * shape only); namespaces and pods carry just what policy evaluation reads.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";

export type NetworkPolicy = INetworkPolicy;

/**
 * What the engine accepts as a policy: any object of the v1 shape, typed or not (a lab file's
 * policies are plain records). The engine validates every field itself and throws
 * PolicyInputError naming it, so a loose type loses no safety here.
 */
export interface NetworkPolicyLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The label the API server puts on every namespace (k8s ≥1.21, NamespaceDefaultLabelName). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export type Labels = Readonly<Record<string, string>>;

export interface NamespaceInput {
  name: string;
  /** @default {} — `kubernetes.io/metadata.name` is always added, as the API server does. */
  labels?: Labels;
}

export interface ContainerPortInput {
  containerPort: number;
  /** IANA_SVC_NAME; what a NetworkPolicy's named `port` refers to. */
  name?: string;
  /** @default "TCP", as in the Pod API. */
  protocol?: Protocol;
}

export interface PodInput {
  namespace: string;
  name: string;
  /** @default {} */
  labels?: Labels;
  /** `status.podIP`, when the pod has one; ipBlock peers can only match a pod whose IP is known. */
  ip?: string;
  /** Every port of `spec.containers`, then of the native sidecars (initContainers with restartPolicy Always). @default [] */
  ports?: readonly ContainerPortInput[];
}

/** A port to evaluate: a number, or a container port name resolved on each destination pod. */
export interface PortQuery {
  port: number | string;
  protocol: Protocol;
}

export interface PolicyUniverse {
  namespaces: readonly NamespaceInput[];
  pods: readonly PodInput[];
  policies: readonly NetworkPolicyLike[];
}

export type Direction = "ingress" | "egress";

/** The outcome of one (source, destination, port) triple. */
export type Verdict =
  | "allowed"
  | "denied"
  /** The port is a name the destination pod does not declare for that protocol: nothing to connect to. */
  | "no-such-port";

/** A place in a policy: `spec.<direction>[rule]`, with the peer (`from`/`to`) and `ports` entries that matched. */
export interface RuleRef {
  policy: string;
  rule: number;
  /** Index into `from`/`to`; "any" when the rule has no peers (it matches every peer). */
  peer: number | "any";
  /** Index into `ports`; "any" when the rule has no ports (it matches every port). */
  port: number | "any";
}

/** An ipBlock peer that could not be judged because the other pod's IP is unknown. */
export interface UnknownIpPeer {
  policy: string;
  rule: number;
  peer: number;
}

export type DirectionOutcome =
  /** No policy selects the pod for this direction: the pod is not isolated, everything passes. */
  | "not-isolated"
  /** At least one rule of a selecting policy matches the peer and the port. */
  | "allowed-by-rule"
  /** Selected, and no rule of any selecting policy matches both the peer and the port. */
  | "no-rule-matches";

/** Why one direction of a connection passes or not. */
export interface DirectionExplanation {
  direction: Direction;
  /** The pod whose policies decide ("ns/name"): the destination for ingress, the source for egress. */
  subject: string;
  /** The other end ("ns/name"). */
  peer: string;
  outcome: DirectionOutcome;
  /** Names of the policies (all in the subject's namespace) that select the subject for this direction. */
  selectedBy: readonly string[];
  /** How many rules for this direction those policies have together (0: they allow nothing). */
  rules: number;
  /** Every rule that matches both the peer and the port. */
  allowedBy: readonly RuleRef[];
  /** Rules whose peers match but whose ports do not: the peer is allowed, on other ports. */
  peerOnly: readonly Omit<RuleRef, "port">[];
  unknownIp: readonly UnknownIpPeer[];
}

export interface VerdictExplanation {
  from: string;
  to: string;
  query: PortQuery;
  /** The port number connected to: the query's number, or the destination's port of that name. */
  port: number | undefined;
  protocol: Protocol;
  verdict: Verdict;
  /**
   * Traffic from a pod to itself. It is evaluated like any other pair, but upstream e2e does not
   * judge it (`ignoreLoopback = true` in test/e2e/network/netpol/network_policy.go @008b365,
   * k8s#95879): CNIs differ on whether policy applies to it.
   */
  loopback: boolean;
  ingress: DirectionExplanation;
  egress: DirectionExplanation;
}

/** Input that is not a valid v1 object; `problems` are "path: message" lines naming the field. */
export class PolicyInputError extends Error {
  override name = "PolicyInputError";
  constructor(
    readonly problems: readonly string[],
    subject: string,
  ) {
    super(`${subject}:\n  ${problems.join("\n  ")}`);
  }
}
