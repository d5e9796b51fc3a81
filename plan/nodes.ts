import type { PlannedNode } from "../backends";

/**
 * kind names nodes `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`, … (kind
 * pkg/cluster/internal/create/actions/config: the first of a role has no number).
 */
export function planNodes(clusterName: string, workers: number): PlannedNode[] {
  const nodes: PlannedNode[] = [{ name: `${clusterName}-control-plane`, role: "control-plane" }];
  for (let i = 1; i <= workers; i++) nodes.push({ name: `${clusterName}-worker${i === 1 ? "" : i}`, role: "worker" });
  return nodes;
}
