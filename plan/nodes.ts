import type { PlannedNode } from "../backends";
import { formatCidr, mustParseCidr, subnet } from "./cidr";

/**
 * kind names nodes `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`, … (kind
 * pkg/cluster/internal/create/actions/config: the first of a role has no number). Each node gets the
 * i-th /24 of the pod subnet, as kube-controller-manager allocates them in node-creation order.
 */
export function planNodes(clusterName: string, workers: number, podSubnet: string): PlannedNode[] {
  const pods = mustParseCidr(podSubnet);
  const nodes: PlannedNode[] = [{ name: `${clusterName}-control-plane`, role: "control-plane", podRange: "" }];
  for (let i = 1; i <= workers; i++) {
    nodes.push({ name: `${clusterName}-worker${i === 1 ? "" : i}`, role: "worker", podRange: "" });
  }
  return nodes.map((n, i) => ({ ...n, podRange: formatCidr(subnet(pods, 24, i)) }));
}
