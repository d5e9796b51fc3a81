import { stringify } from "yaml";
import { BACKEND_FACTS, type PlannedNode } from "../backends";
import type { Stack } from "../labs/stack";
import { CONFIG_PATH_PATCH } from "./registry-mirrors";

/** kind's `kind.x-k8s.io/v1alpha4` Cluster, the fields we set (kind v0.30 pkg/apis/config/v1alpha4/types.go). */
export interface KindClusterConfig {
  kind: "Cluster";
  apiVersion: "kind.x-k8s.io/v1alpha4";
  name: string;
  nodes: KindConfigNode[];
  /** TOML merged into every node's /etc/containerd/config.toml (set only with registry mirrors). */
  containerdConfigPatches?: string[];
  networking: {
    disableDefaultCNI: boolean;
    podSubnet: string;
    serviceSubnet: string;
    kubeProxyMode: string;
    /**
     * Where the API server is published on the Docker host (an IP address), and its port there
     * (kind v0.27.0 pkg/apis/config/v1alpha4/types.go Networking; defaults 127.0.0.1 and a random
     * port; the address is in the API server certificate's SANs, pkg/cluster/internal/kubeadm/
     * config.go). Set for workshops, where every participant's cluster has its own port and a remote
     * host's clusters are reached on the host's address.
     */
    apiServerAddress?: string;
    apiServerPort?: number;
  };
}

/** One `nodes` entry of the kind config (what kind makes a node from; components/cluster KindNode is what it reports back). */
export interface KindConfigNode {
  role: "control-plane" | "worker";
  image: string;
}

/** With registry mirrors, containerd is told to read hosts.toml (the files reach the nodes once kind made them). */
export function planKindConfig(stack: Stack, nodes: readonly PlannedNode[], mirrors: boolean): KindClusterConfig {
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: stack.clusterName,
    ...(mirrors ? { containerdConfigPatches: [CONFIG_PATH_PATCH] } : {}),
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
