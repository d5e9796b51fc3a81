/**
 * What a Docker-only lab registers (components/docker/index.ts loops over this list): the component,
 * swarm mode when its networks need it, then a pulled image per pinned image, every network, every
 * container, in that order. Names are the
 * plan's; an image is named by its role in DOCKER_LAB_IMAGES, so a new image renames nothing.
 */
import { DOCKER_LAB_IMAGES } from "../pins";
import type { PlannedResource } from "../plan/resources";
import type { ContainerPlan, DockerLabPlan, NetworkPlan } from "./plan-types";
import type { SwarmPlan } from "./swarm";

/** Type tokens, part of every URN: cnilab:docker:DockerLab is the DockerOnlyLab component. */
export const DOCKER_TYPES = {
  lab: "cnilab:docker:DockerLab",
  image: "docker:index/remoteImage:RemoteImage",
  network: "docker:index/network:Network",
  container: "docker:index/container:Container",
  /** The lab's own dynamic resource (components/docker/swarm.ts): `pulumi-nodejs:dynamic/<module>:<type>`. */
  swarm: "pulumi-nodejs:dynamic/cnilab:DockerSwarm",
} as const;

export type DockerResource = PlannedResource &
  (
    | { kind: "lab" }
    | { kind: "swarm"; swarm: SwarmPlan }
    | { kind: "image"; ref: string; position: number }
    | { kind: "network"; network: NetworkPlan }
    | { kind: "container"; container: ContainerPlan }
  );

/** `<lab>-image-busybox`: the image's role in DOCKER_LAB_IMAGES (its reference when it has none). */
export function imageResourceName(lab: string, ref: string): string {
  const role = Object.entries(DOCKER_LAB_IMAGES).find(([, pinned]) => pinned === ref)?.[0];
  return `${lab}-image-${role ?? ref}`;
}

export function dockerLabResources(plan: DockerLabPlan): DockerResource[] {
  const parent = plan.name;
  return [
    { kind: "lab", name: parent, type: DOCKER_TYPES.lab, parent: "" },
    ...(plan.swarm ? [{ kind: "swarm" as const, name: plan.swarm.name, type: DOCKER_TYPES.swarm, parent, swarm: plan.swarm }] : []),
    ...plan.images.map((ref, position) => ({ kind: "image" as const, name: imageResourceName(parent, ref), type: DOCKER_TYPES.image, parent, ref, position })),
    ...plan.networks.map((network) => ({ kind: "network" as const, name: network.name, type: DOCKER_TYPES.network, parent, network })),
    ...plan.containers.map((container) => ({ kind: "container" as const, name: container.name, type: DOCKER_TYPES.container, parent, container })),
  ];
}
