import * as pulumi from "@pulumi/pulumi";
import { dockerSwarmProvider } from "./swarm-provider";
import type { DockerSwarmInputs } from "./swarm-types";

/** Single-node swarm mode for the overlay lab (swarm-provider.ts); type `pulumi-nodejs:dynamic/cnilab:DockerSwarm`. */
export class DockerSwarm extends pulumi.dynamic.Resource {
  declare readonly nodeId: pulumi.Output<string>;

  constructor(name: string, args: { [K in keyof DockerSwarmInputs]: pulumi.Input<DockerSwarmInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(dockerSwarmProvider, name, { ...args, nodeId: undefined, gwbridgeMade: undefined }, opts, "cnilab", "DockerSwarm");
  }
}
