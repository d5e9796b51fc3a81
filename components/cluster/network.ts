import * as pulumi from "@pulumi/pulumi";
import { dockerNetworkProvider } from "./network-provider";
import type { DockerNetworkInputs } from "./network-types";

/** What @pulumi/docker registered the lab's network as, before network-provider.ts: the alias that carries those states over. */
export const PULUMI_DOCKER_NETWORK_TYPE = "docker:index/network:Network";

/**
 * The lab's Docker network, made by network-provider.ts with the docker CLI. Its type is
 * `pulumi-nodejs:dynamic/cnilab:DockerNetwork` (module/type arguments, pulumi/pulumi#11873).
 */
export class DockerNetworkResource extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly subnet: pulumi.Output<string>;
  declare readonly gateway: pulumi.Output<string>;

  constructor(name: string, args: { [K in keyof DockerNetworkInputs]: pulumi.Input<DockerNetworkInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(dockerNetworkProvider, name, args, opts, "cnilab", "DockerNetwork");
  }
}
