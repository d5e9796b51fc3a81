/**
 * The data the kind cluster provider takes and gives back. Types only: the provider file may
 * import nothing at run time (see provider.ts), and these vanish at compile time.
 */
import type { RegistryHostsFile } from "../../plan/registry-mirrors";

/** What the provider needs to make one kind cluster. Changing any of them replaces the cluster. */
export interface KindClusterInputs {
  /** kind's cluster name: node containers are `<name>-control-plane`, `<name>-worker`, … */
  clusterName: string;
  /** A kind `kind.x-k8s.io/v1alpha4` Cluster document, rendered by the plan: what kind reads. */
  config: string;
  /**
   * The same document as data, which `diff` compares (key order and YAML formatting aside), so a new
   * rendering of an unchanged config replaces nothing. Absent in states written before it existed;
   * `diff` then compares the text, as those versions did.
   */
  configData?: unknown;
  /** The Docker network the nodes join (`KIND_EXPERIMENTAL_DOCKER_NETWORK`); it must exist. */
  network: string;
  /**
   * containerd's hosts.toml per mirrored registry host, written into every node after `kind create`
   * and rewritten in place when they change (plan/registry-mirrors.ts). Absent in older states.
   */
  registryHosts?: RegistryHostsFile[];
  /** DOCKER_HOST of the Docker the cluster runs on (a workshop's remote host); absent: the local one. */
  dockerHost?: string;
}

/**
 * What kind labels a node container with (`io.x-k8s.kind.role`, kind pkg/cluster/constants,
 * v0.27); the load balancer only exists with more than one control-plane node.
 */
export type KindNodeRole = "control-plane" | "worker" | "external-load-balancer";

export interface KindNode {
  /** The node container's name, which is also the Kubernetes node name. */
  name: string;
  role: KindNodeRole;
  /** The node's address on the lab's Docker network: the Kubernetes node InternalIP. */
  internalIP: string;
}

/** The provider's state: the inputs (diff compares them) plus what kind reports. */
export interface KindClusterOutputs extends KindClusterInputs {
  /** `kind get kubeconfig` (API server on 127.0.0.1); registered as a Pulumi secret. */
  kubeconfig: string;
  /** Sorted by name, so a refresh of an unchanged cluster shows no diff. */
  nodes: KindNode[];
}
