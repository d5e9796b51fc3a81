/**
 * A kind cluster on a Docker network of the lab's own. The network has a fixed subnet per lab so
 * two labs never collide, and kind is pointed at it with KIND_EXPERIMENTAL_DOCKER_NETWORK.
 */
import * as pulumi from "@pulumi/pulumi";
import { DockerNetworkResource, PULUMI_DOCKER_NETWORK_TYPE } from "./network";
import { kindClusterProvider } from "./provider";
import { clusterChildren, LAB_TYPES } from "../../plan/resources";
import type { RegistryHostsFile } from "../../plan/registry-mirrors";
import type { KindNode } from "./types";

export type { KindClusterInputs, KindClusterOutputs, KindNode, KindNodeRole } from "./types";
export type { DockerNetworkInputs } from "./network-types";
export { kindClusterProvider } from "./provider";
export { dockerNetworkProvider } from "./network-provider";

export interface KindClusterArgs {
  /** kind's cluster name (a DNS-1123 label of at most 50 characters). */
  clusterName: string;
  /** The rendered kind `kind.x-k8s.io/v1alpha4` Cluster document. */
  config: string;
  /** The same document as data: what decides whether the cluster must be replaced. */
  configData: object;
  /** The lab's Docker bridge network; subnet and gateway are fixed per lab, labels carry the stack's identity. */
  network: { name: string; subnet: string; gateway: string; labels: { label: string; value: string }[] };
  /** hosts.toml per mirrored registry host, written into the nodes. @default none */
  registryHosts?: RegistryHostsFile[];
  /** DOCKER_HOST of the Docker the cluster runs on (a workshop's remote host); absent: the local one. */
  dockerHost?: string;
}

/**
 * The dynamic resource running kind. Its type is `pulumi-nodejs:dynamic/cnilab:KindCluster`
 * rather than the generic `pulumi-nodejs:dynamic:Resource` (module/type arguments,
 * pulumi/pulumi#11873), so state, previews and policies can tell it apart.
 */
export class KindClusterResource extends pulumi.dynamic.Resource {
  declare readonly kubeconfig: pulumi.Output<string>;
  declare readonly nodes: pulumi.Output<KindNode[]>;

  constructor(
    name: string,
    args: {
      clusterName: pulumi.Input<string>;
      config: pulumi.Input<string>;
      configData: pulumi.Input<object>;
      network: pulumi.Input<string>;
      registryHosts?: pulumi.Input<RegistryHostsFile[]>;
      dockerHost?: string;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    // The output names must be present (undefined) for Pulumi to expose them on this object.
    const props = { ...args, kubeconfig: undefined, nodes: undefined };
    // The kubeconfig holds the cluster admin's client key: a secret in the state and in outputs.
    super(kindClusterProvider, name, props, { ...opts, additionalSecretOutputs: ["kubeconfig"] }, "cnilab", "KindCluster");
  }
}

export class KindCluster extends pulumi.ComponentResource {
  /** `kind get kubeconfig` of the cluster (a Pulumi secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Every node container with its role and its IP on the lab network, sorted by name. */
  readonly nodes: pulumi.Output<KindNode[]>;
  readonly networkName: pulumi.Output<string>;
  /** The kind cluster itself: what the objects inside it are `deletedWith`. */
  readonly kind: KindClusterResource;

  constructor(name: string, args: KindClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LAB_TYPES.cluster, name, {}, opts);
    const children = clusterChildren(name);
    // Only when set: a local cluster's inputs stay as states before it recorded them.
    const remote = args.dockerHost ? { dockerHost: args.dockerHost } : {};

    const network = new DockerNetworkResource(
      children.network,
      {
        name: args.network.name,
        subnet: args.network.subnet,
        gateway: args.network.gateway,
        // As kind's own "kind" network: nodes reach the outside (image pulls) through NAT.
        masquerade: true,
        labels: Object.fromEntries(args.network.labels.map((l) => [l.label, l.value])),
        ...remote,
      },
      // The name is fixed, so a replacement can only be created once the old network is gone.
      // States written when @pulumi/docker made this network are taken over (network-provider.ts diff).
      { parent: this, deleteBeforeReplace: true, aliases: [{ type: PULUMI_DOCKER_NETWORK_TYPE }] },
    );

    // The network's name output (not args.network.name) makes the cluster wait for the network.
    const cluster = new KindClusterResource(
      children.kind,
      {
        clusterName: args.clusterName,
        config: args.config,
        configData: args.configData,
        network: network.name,
        // Absent rather than empty without mirrors: states written before it existed then diff as equal.
        ...(args.registryHosts?.length ? { registryHosts: args.registryHosts } : {}),
        ...remote,
      },
      { parent: this },
    );

    // additionalSecretOutputs makes the engine store and return it as a secret; wrapping it here
    // too keeps it secret for every consumer of this component whatever engine answers (mocks).
    this.kubeconfig = pulumi.secret(cluster.kubeconfig);
    this.nodes = cluster.nodes;
    this.networkName = network.name;
    this.kind = cluster;
    this.registerOutputs({ kubeconfig: this.kubeconfig, nodes: this.nodes, networkName: this.networkName });
  }
}
