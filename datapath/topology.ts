/**
 * The lab's shape as data: which namespaces exist, which addresses each node and pod has. Pure.
 *
 * One lab per backend can exist at a time; all of its namespaces start with `cnilab-dp-<backend>.`
 * (the dot keeps `flannel-vxlan.` from matching `flannel-vxlan-directrouting.`), and every name the
 * lab ever creates starts with `cnilab-dp-`, so `down` finds leftovers by name alone.
 */
import { formatIp, host, mustParseCidr, subnet } from "../ip/cidr";
import type { Backend } from "../backends/types";

export const NETNS_PREFIX = "cnilab-dp-";

/** Stand-in for kind's Docker network; only ever addressed inside the lab's own namespaces. */
export const UNDERLAY_CIDR = "172.31.250.0/24";
/**
 * kind's default pod subnet. In this emulation node i owns 10.244.i.0/24; on a kind cluster which node
 * gets which /24 is decided as nodes register (backends/types.ts FROM_NODE_PODCIDR).
 */
export const POD_CIDR = "10.244.0.0/16";
/** Inside kind's default service subnet 10.96.0.0/12. */
export const CLUSTER_IP = "10.96.0.10";
export const SERVICE_PORT = 80;
/** Every pod and node of the lab listens here while probes run (see listener.ts). */
export const LISTEN_PORT = 8080;
/** The bridge in the switch namespace, named after kind's Docker network. */
export const SWITCH_BRIDGE = "kind";
/** Each node's interface on the underlay, as in a kind node container. */
export const NODE_UPLINK = "eth0";

export interface LabOptions {
  /** @default 2, at least 2 */
  nodes: number;
  /** @default 2 — the second pod of each node backs the Service, the first is a client. */
  podsPerNode: number;
  /** @default 1500, as Docker's default bridge network that kind copies */
  underlayMtu: number;
}

export const LAB_DEFAULTS: LabOptions = { nodes: 2, podsPerNode: 2, underlayMtu: 1500 };
/** Node addresses start at .2 (.1 is the switch's gateway address) and pod subnets at index 1. */
export const MAX_NODES = 8;

export interface LabPod {
  /** "n1-p2": node and pod index, also what the pod's listener replies. */
  name: string;
  netns: string;
  address: string;
}

export interface LabNode {
  index: number;
  /** "n1" */
  name: string;
  netns: string;
  /** Underlay address on eth0. */
  address: string;
  /** The node's podCIDR in this emulation, 10.244.<index>.0/24. */
  podCidr: string;
  /** First address of the node's pod range, as the gateway (bridge, ptp) or the tunnel address (flannel, calico). */
  podNetwork: string;
  /** Peer routes cover this block (the /24, or calico's first /26 IPAM block). */
  routeBlock: string;
  /** Interface in the switch namespace that plugs this node in. */
  switchPort: string;
  /** Deterministic, locally administered MAC of the node's VTEP, so peers can be programmed before it exists. */
  vtepMac: string;
  pods: LabPod[];
}

export interface LabTopology {
  backend: Backend;
  /** Every namespace of this lab starts with it. */
  prefix: string;
  switchNetns: string;
  gateway: string;
  underlayPrefix: number;
  underlayMtu: number;
  nodes: LabNode[];
  /** Service endpoints: the last pod of nodes n1 and n2 (one same-node, one cross-node for the client n1-p1). */
  endpoints: LabPod[];
}

export function labPrefix(backend: Backend): string {
  return `${NETNS_PREFIX}${backend}.`;
}

export function validateLabOptions(options: LabOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(options.nodes) || options.nodes < 2 || options.nodes > MAX_NODES) {
    // One node has no cross-node path, which is what every backend differs in.
    problems.push(`--nodes: must be an integer 2..${MAX_NODES}, got ${options.nodes}`);
  }
  if (!Number.isInteger(options.podsPerNode) || options.podsPerNode < 2 || options.podsPerNode > 8) {
    problems.push(`podsPerNode: must be an integer 2..8 (one client, one Service endpoint at least), got ${options.podsPerNode}`);
  }
  if (!Number.isInteger(options.underlayMtu) || options.underlayMtu < 1280 || options.underlayMtu > 9000) {
    problems.push(`underlayMtu: must be an integer 1280..9000, got ${options.underlayMtu}`);
  }
  return problems;
}

export function labTopology(backend: Backend, routeBlockPrefix: number, options: LabOptions = LAB_DEFAULTS): LabTopology {
  const problems = validateLabOptions(options);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const prefix = labPrefix(backend);
  const underlay = mustParseCidr(UNDERLAY_CIDR);
  const pods = mustParseCidr(POD_CIDR);
  const nodes: LabNode[] = [];
  for (let index = 1; index <= options.nodes; index++) {
    const name = `n${index}`;
    const podCidr = subnet(pods, 24, index);
    nodes.push({
      index,
      name,
      netns: `${prefix}${name}`,
      address: host(underlay, index + 1),
      podCidr: `${formatIp(podCidr.base)}/24`,
      podNetwork: formatIp(podCidr.base),
      routeBlock: `${formatIp(podCidr.base)}/${routeBlockPrefix}`,
      switchPort: name,
      vtepMac: `0e:cb:00:00:00:${index.toString(16).padStart(2, "0")}`,
      pods: Array.from({ length: options.podsPerNode }, (_, k) => ({
        name: `${name}-p${k + 1}`,
        netns: `${prefix}${name}.p${k + 1}`,
        // .1 is the gateway of bridge/ptp pods; pods take .2 upwards, as host-local hands them out.
        address: host(podCidr, k + 2),
      })),
    });
  }
  const endpoints = [nodes[0]!.pods.at(-1)!, nodes[1]!.pods.at(-1)!];
  return {
    backend,
    prefix,
    switchNetns: `${prefix}sw`,
    gateway: host(underlay, 1),
    underlayPrefix: underlay.prefix,
    underlayMtu: options.underlayMtu,
    nodes,
    endpoints,
  };
}

/** Every namespace of the lab, switch first, pods last (the order they are created in). */
export function labNamespaces(topo: LabTopology): string[] {
  return [topo.switchNetns, ...topo.nodes.map((n) => n.netns), ...topo.nodes.flatMap((n) => n.pods.map((p) => p.netns))];
}
