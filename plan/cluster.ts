import { stringify } from "yaml";
import { BACKEND_FACTS, type PlannedNode } from "../backends";
import type { Stack } from "../labs/stack";

/** kind's `kind.x-k8s.io/v1alpha4` Cluster, the fields we set (kind v0.30 pkg/apis/config/v1alpha4/types.go). */
export interface KindClusterConfig {
  kind: "Cluster";
  apiVersion: "kind.x-k8s.io/v1alpha4";
  name: string;
  nodes: { role: "control-plane" | "worker"; image: string }[];
  networking: {
    disableDefaultCNI: boolean;
    podSubnet: string;
    serviceSubnet: string;
    kubeProxyMode: string;
  };
}

export function planKindConfig(stack: Stack, nodes: readonly PlannedNode[]): KindClusterConfig {
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: stack.clusterName,
    nodes: nodes.map((n) => ({ role: n.role, image: stack.nodeImage })),
    networking: {
      // Every backend but kindnet brings its own CNI; kind then leaves nodes NotReady until it runs.
      disableDefaultCNI: BACKEND_FACTS[stack.backend].disableDefaultCNI,
      podSubnet: stack.podSubnet,
      serviceSubnet: stack.serviceSubnet,
      kubeProxyMode: stack.kubeProxyMode,
    },
  };
}

export function renderKindConfig(config: KindClusterConfig): string {
  return stringify(config);
}
