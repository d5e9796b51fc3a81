/**
 * The upstream e2e / cyclonus universe as a fixture builder: namespaces x, y, z labelled
 * `ns=<ns>`, pods a, b, c labelled `pod=<name>`, each serving 80 and 81 on TCP, UDP and SCTP with
 * ports named `serve-<port>-<proto>` (test/e2e/network/netpol/model.go), and a reachability
 * expectation that starts all-allowed and states only the exceptions, like upstream's Reachability.
 */
import type { NetworkPolicy, PodInput, PolicyUniverse, Protocol } from "../../policy";
import { PolicyMatrix } from "../../policy";

export const NAMESPACES = ["x", "y", "z"] as const;
export const POD_NAMES = ["a", "b", "c"] as const;
export const ALL_PODS = NAMESPACES.flatMap((ns) => POD_NAMES.map((p) => `${ns}/${p}`));

const SERVED: readonly [number, Protocol][] = [80, 81].flatMap((port) => (["TCP", "UDP", "SCTP"] as const).map((p): [number, Protocol] => [port, p]));

/** x/a → 10.0.1.1, y/b → 10.0.2.2: predictable pod IPs for ipBlock cases. */
export function podIp(key: string): string {
  const [ns, pod] = key.split("/") as [string, string];
  return `10.0.${NAMESPACES.indexOf(ns as (typeof NAMESPACES)[number]) + 1}.${POD_NAMES.indexOf(pod as (typeof POD_NAMES)[number]) + 1}`;
}

export function pod(key: string, options: { ip?: boolean; labels?: Record<string, string> } = {}): PodInput {
  const [namespace, name] = key.split("/") as [string, string];
  return {
    namespace,
    name,
    labels: options.labels ?? { pod: name },
    ...(options.ip === false ? {} : { ip: podIp(key) }),
    ports: SERVED.map(([port, protocol]) => ({ containerPort: port, protocol, name: `serve-${port}-${protocol.toLowerCase()}` })),
  };
}

export interface UniverseOptions {
  /** "ns/pod" keys; default all nine. */
  pods?: readonly string[];
  /** Give pods IPs (default true). */
  ips?: boolean;
}

export function universe(policies: readonly NetworkPolicy[], options: UniverseOptions = {}): PolicyUniverse {
  return {
    namespaces: NAMESPACES.map((ns) => ({ name: ns, labels: { ns } })),
    pods: (options.pods ?? ALL_PODS).map((k) => pod(k, { ip: options.ips ?? true })),
    policies,
  };
}

export function netpol(namespace: string, name: string, spec: NonNullable<NetworkPolicy["spec"]>): NetworkPolicy {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { namespace, name }, spec };
}

export interface PeerPattern {
  ns?: string;
  pod?: string;
}

const matches = (key: string, p: PeerPattern) => {
  const [ns, pod] = key.split("/");
  return (p.ns === undefined || p.ns === ns) && (p.pod === undefined || p.pod === pod);
};

/** Expected connectivity; everything allowed until told otherwise (upstream NewReachability(pods, true)). */
export class Reachability {
  private readonly allowed = new Map<string, boolean>();

  constructor(readonly pods: readonly string[] = ALL_PODS) {
    for (const from of pods) for (const to of pods) this.allowed.set(`${from}>${to}`, true);
  }

  expect(from: string, to: string, allowed: boolean): this {
    this.allowed.set(`${from}>${to}`, allowed);
    return this;
  }

  expectPeer(from: PeerPattern, to: PeerPattern, allowed: boolean): this {
    for (const f of this.pods) for (const t of this.pods) if (matches(f, from) && matches(t, to)) this.expect(f, t, allowed);
    return this;
  }

  expectAllIngress(to: string, allowed: boolean): this {
    return this.expectPeer({}, { ns: to.split("/")[0], pod: to.split("/")[1] }, allowed);
  }

  expectAllEgress(from: string, allowed: boolean): this {
    return this.expectPeer({ ns: from.split("/")[0], pod: from.split("/")[1] }, {}, allowed);
  }

  /** "from: marks" lines, `.` allowed and `X` denied, columns in `pods` order. */
  table(): string {
    return this.pods.map((f) => `${f}: ${this.pods.map((t) => (this.allowed.get(`${f}>${t}`) ? "." : "X")).join("")}`).join("\n");
  }
}

/** The matrix for port index `q` in Reachability.table()'s format; no-such-port cells read `-`. */
export function observed(matrix: PolicyMatrix, q = 0): string {
  const n = matrix.pods.length;
  const mark = { allowed: ".", denied: "X", "no-such-port": "-" } as const;
  return matrix.pods
    .map((f, s) => `${f}: ${Array.from({ length: n }, (_, d) => mark[matrix.verdict(s, d, q)]).join("")}`)
    .join("\n");
}
