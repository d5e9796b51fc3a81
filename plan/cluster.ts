import { stringify } from "yaml";
import { BACKEND_FACTS, type PlannedNode } from "../backends";
import type { Stack } from "../labs/stack";
import { CERTS_DIR, CONFIG_PATH_PATCH, type RegistryMirrorPlan } from "./registry-mirrors";

/** kind's `kind.x-k8s.io/v1alpha4` Cluster, the fields we set (kind v0.30 pkg/apis/config/v1alpha4/types.go). */
export interface KindClusterConfig {
  kind: "Cluster";
  apiVersion: "kind.x-k8s.io/v1alpha4";
  name: string;
  nodes: KindConfigNode[];
  /** TOML merged into every node's /etc/containerd/config.toml (set only for cnilab:registryMirrors). */
  containerdConfigPatches?: string[];
  networking: {
    disableDefaultCNI: boolean;
    podSubnet: string;
    serviceSubnet: string;
    kubeProxyMode: string;
  };
}

/** One `nodes` entry of the kind config (what kind makes a node from; components/cluster KindNode is what it reports back). */
export interface KindConfigNode {
  role: "control-plane" | "worker";
  image: string;
  extraMounts?: { hostPath: string; containerPath: string; readOnly: boolean }[];
}

/** With registry mirrors: containerd told to read hosts.toml, and the directory holding them mounted in every node. */
export function planKindConfig(stack: Stack, nodes: readonly PlannedNode[], mirrors?: RegistryMirrorPlan): KindClusterConfig {
  const mount = mirrors ? { extraMounts: [{ hostPath: mirrors.hostDir, containerPath: CERTS_DIR, readOnly: true }] } : {};
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: stack.clusterName,
    ...(mirrors ? { containerdConfigPatches: [CONFIG_PATH_PATCH] } : {}),
    nodes: nodes.map((n) => ({ role: n.role, image: stack.nodeImage, ...mount })),
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
