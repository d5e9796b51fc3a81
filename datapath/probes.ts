/**
 * Which probes a datapath lab runs and what each should find, from the backend's limitations. Pure.
 * Every probe starts in the first pod of n1; expectations default to "connected" and only a
 * limitation changes them, to the exact outcome the limitation names (STYLE.md: a negative
 * expectation names its failure).
 */
import type { BackendFacts, Limitation, LimitationId } from "../backends/types";
import type { ProbeOutcome, ProbePlan, ProbeSpec } from "../probe/types";
import { CLUSTER_IP, LISTEN_PORT, SERVICE_PORT } from "./topology";
import type { LabTopology } from "./topology";

export const PROBE_PATHS = ["pod-same-node", "pod-other-node", "pod-own-node-ip", "pod-other-node-ip", "pod-service"] as const;
export type ProbePath = (typeof PROBE_PATHS)[number];

/** The limitation that, when a backend has it, breaks a path; null: no limitation applies. */
const LIMITED_BY: Record<ProbePath, LimitationId | null> = {
  "pod-same-node": null,
  "pod-other-node": null,
  "pod-own-node-ip": "pod-to-own-node",
  "pod-other-node-ip": "pod-to-other-node",
  "pod-service": "pod-to-clusterip",
};

export interface LabProbe {
  path: ProbePath;
  spec: ProbeSpec;
  /** Pod the probe runs in, and its namespace. */
  from: string;
  fromNetns: string;
  /** What is at the address: a pod name, a node name, or "ClusterIP". */
  target: string;
  expect: ProbeOutcome;
  /** The limitation behind a negative expectation, with its reason. */
  limitation?: Limitation;
}

const TIMEOUT_MS = 1500;
const ATTEMPTS = 2;

export function planProbes(facts: BackendFacts, topo: LabTopology): LabProbe[] {
  const [first, ...others] = topo.nodes;
  const client = first!.pods[0]!;
  const targets: { path: ProbePath; id: string; to: string; port: number; target: string }[] = [
    { path: "pod-same-node", id: `${client.name}-to-${first!.pods[1]!.name}`, to: first!.pods[1]!.address, port: LISTEN_PORT, target: first!.pods[1]!.name },
    ...others.map((n) => ({ path: "pod-other-node" as const, id: `${client.name}-to-${n.pods[0]!.name}`, to: n.pods[0]!.address, port: LISTEN_PORT, target: n.pods[0]!.name })),
    { path: "pod-own-node-ip", id: `${client.name}-to-${first!.name}`, to: first!.address, port: LISTEN_PORT, target: first!.name },
    ...others.map((n) => ({ path: "pod-other-node-ip" as const, id: `${client.name}-to-${n.name}`, to: n.address, port: LISTEN_PORT, target: n.name })),
    { path: "pod-service", id: `${client.name}-to-clusterip`, to: CLUSTER_IP, port: SERVICE_PORT, target: "ClusterIP" },
  ];
  return targets.map((t) => {
    const limitedBy = LIMITED_BY[t.path];
    const limitation = limitedBy === null ? undefined : facts.limitations.find((l) => l.id === limitedBy);
    return {
      path: t.path,
      spec: { id: t.id, to: t.to, port: t.port, protocol: "tcp", timeoutMs: TIMEOUT_MS, attempts: ATTEMPTS },
      from: client.name,
      fromNetns: client.netns,
      target: t.target,
      expect: limitation === undefined ? "connected" : limitation.outcome,
      ...(limitation === undefined ? {} : { limitation }),
    };
  });
}

export function probePlanOf(probes: readonly LabProbe[]): ProbePlan {
  return { probes: probes.map((p) => ({ ...p.spec, expect: p.expect })) };
}
