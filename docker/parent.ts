import { DRIVER_FACTS } from "./drivers";
import { subnetGateway } from "./paths";
import { PARENT_BRIDGE_SUFFIX, type DockerSpec } from "./spec";

/** Where macvlan/ipvlan containers hang off; `note` is what the stack output says about it. */
export type ParentPlan =
  | { kind: "none"; note: string }
  | { kind: "lab-made"; device: string; network: string; address: string; note: string }
  | { kind: "host"; device: string; address?: string; note: string };

/** The stack's cnilab:parent if it names one, else a bridge the lab makes; none for the bridge driver. */
export function planParent(spec: DockerSpec): ParentPlan {
  const { stack, lab } = spec;
  if (!DRIVER_FACTS[stack.dockerDriver].parent) {
    return { kind: "none", note: DRIVER_FACTS[stack.dockerDriver].noParent ?? `the ${stack.dockerDriver} driver needs no parent: each network is its own Linux bridge on the host` };
  }
  if (stack.parent !== undefined) {
    return {
      kind: "host",
      device: stack.parent,
      ...(stack.parentAddress !== undefined ? { address: stack.parentAddress } : {}),
      note: `containers hang off the host's ${stack.parent} (cnilab:parent): lab traffic goes onto that link and whatever it connects to`,
    };
  }
  const device = `${stack.name}${PARENT_BRIDGE_SUFFIX}`;
  return {
    kind: "lab-made",
    device,
    network: `${stack.name}-parent`,
    // docker/spec.ts refuses a parent driver without cnilab:parent and without the lab's parentNetwork.
    address: subnetGateway(lab.parentNetwork!),
    note: `the lab made its own parent, the Linux bridge ${device} (Docker network ${stack.name}-parent, internal): no lab traffic touches the host's uplink`,
  };
}
