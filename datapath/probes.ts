/**
 * Which probes a datapath lab runs and what each should find. Pure. Every probe starts in the first pod
 * of n1; expectations come from the backend's limitations through the one path table
 * (backends/paths.ts): "connected" unless a limitation breaks the path, then the exact outcome it names
 * (STYLE.md: a negative expectation names its failure).
 */
import { expectOnPath, type PodPath } from "../backends/paths";
import type { BackendFacts, Limitation } from "../backends/types";
import type { PlannedProbe } from "../verdict/types";
import { CLUSTER_IP, LISTEN_PORT, SERVICE_PORT } from "./topology";
import type { LabTopology } from "./topology";

/** The paths a datapath lab probes; a probe's group is its path. */
export type ProbePath = Extract<PodPath, "pod-same-node" | "pod-other-node" | "pod-own-node-ip" | "pod-other-node-ip" | "pod-service">;

export interface LabProbe extends PlannedProbe {
  group: ProbePath;
  /** The network namespace of the pod the probe runs in (`client`). */
  fromNetns: string;
  /** The limitation behind a negative expectation. */
  limitation?: Limitation;
}

export function planDatapathProbes(facts: BackendFacts, topo: LabTopology): LabProbe[] {
  const [first, ...others] = topo.nodes;
  const client = first!.pods[0]!;
  const targets: { path: ProbePath; name: string; to: string; port: number }[] = [
    { path: "pod-same-node", name: first!.pods[1]!.name, to: first!.pods[1]!.address, port: LISTEN_PORT },
    ...others.map((n) => ({ path: "pod-other-node" as const, name: n.pods[0]!.name, to: n.pods[0]!.address, port: LISTEN_PORT })),
    { path: "pod-own-node-ip", name: first!.name, to: first!.address, port: LISTEN_PORT },
    ...others.map((n) => ({ path: "pod-other-node-ip" as const, name: n.name, to: n.address, port: LISTEN_PORT })),
    { path: "pod-service", name: "ClusterIP", to: CLUSTER_IP, port: SERVICE_PORT },
  ];
  return targets.map((t) => {
    const { expect, why, limitation } = expectOnPath(facts, t.path);
    return {
      id: `${client.name}-to-${t.path === "pod-service" ? "clusterip" : t.name}`,
      group: t.path,
      client: client.name,
      fromNetns: client.netns,
      to: t.to,
      toLabel: t.name,
      port: t.port,
      protocol: "tcp",
      expect,
      why,
      ...(limitation === undefined ? {} : { limitation }),
    };
  });
}
