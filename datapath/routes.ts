/**
 * What a backend programs on each node to reach its peers' pods: the overlay device, the
 * neighbour and FDB entries its agent writes, and the peer routes. Pure.
 *
 * Peer routes are the backend's own `peerRoute` fact with the placeholders filled in, so the
 * lab and the kind labs read one source; a placeholder we do not know is an error, not a guess.
 */
import { tunnelDeviceMtu, tunnelKind } from "../backends/mtu";
import type { BackendFacts } from "../backends/types";
import { at } from "./step";
import type { Step } from "./step";
import { NODE_UPLINK, POD_CIDR } from "./topology";
import { udpTunnelSteps } from "./udp";
import type { LabNode, LabTopology } from "./topology";

/**
 * Route protocols by name → number (iproute2's reserved list, etc/iproute2/rt_protos). Routes are
 * added with the number so the plan works whether or not this machine's rt_protos names it;
 * `ip route` prints the name where it knows it ("proto bird" for 12), the number otherwise.
 */
export const ROUTE_PROTOCOLS: Readonly<Record<string, number>> = { kernel: 2, boot: 3, static: 4, bird: 12 };

const PLACEHOLDERS = ["<peer-subnet>", "<peer-block>", "<peer-subnet-network>", "<peer-vtep>", "<peer-node>", "<pod-network>"] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

function placeholderValue(p: Placeholder, peer: LabNode): string {
  switch (p) {
    case "<peer-subnet>":
    case "<peer-block>":
      return peer.routeBlock;
    case "<peer-subnet-network>":
    case "<peer-vtep>":
      // flannel and calico both put the first address of the node's range on the tunnel device.
      return peer.podNetwork;
    case "<peer-node>":
      return peer.address;
    case "<pod-network>":
      // The whole pod network (flannel udp's one route via its TUN device), the same for every peer.
      return POD_CIDR;
  }
}

/** `ip route add` arguments for one peer, from the backend's peerRoute template. */
export function peerRouteArgs(facts: BackendFacts, peer: LabNode): string[] {
  const tokens = facts.datapath.peerRoute.split(/\s+/).filter((t) => t !== "");
  const args = tokens.map((token) => {
    if (!token.startsWith("<")) return token;
    if (!(PLACEHOLDERS as readonly string[]).includes(token)) {
      throw new Error(
        `backends: ${facts.name}.datapath.peerRoute has placeholder ${token}; known: ${PLACEHOLDERS.join(", ")}`,
      );
    }
    return placeholderValue(token as Placeholder, peer);
  });
  return numericProtocol(facts, args);
}

function numericProtocol(facts: BackendFacts, args: string[]): string[] {
  const i = args.indexOf("proto");
  if (i < 0) return args;
  const name = args[i + 1] ?? "";
  if (/^\d+$/.test(name)) return args;
  const number = ROUTE_PROTOCOLS[name];
  if (number === undefined) {
    throw new Error(`backends: ${facts.name}.datapath.peerRoute names route protocol '${name}'; known: ${Object.keys(ROUTE_PROTOCOLS).join(", ")} or a number`);
  }
  return [...args.slice(0, i + 1), String(number), ...args.slice(i + 2)];
}

/** The protocol number of the backend's peer routes, if its template names one. */
function routeProtocol(facts: BackendFacts, peer: LabNode): string | undefined {
  const args = peerRouteArgs(facts, peer);
  const i = args.indexOf("proto");
  return i < 0 ? undefined : args[i + 1];
}

export function planBackend(facts: BackendFacts, topo: LabTopology, node: LabNode): Step[] {
  const peers = topo.nodes.filter((n) => n.index !== node.index);
  return [
    ...overlayDevice(facts, topo, node),
    ...(facts.datapath.crossNode === "overlay" ? peers.flatMap((peer) => vtepEntries(facts, peer, node)) : []),
    ...ownBlackhole(facts, topo, node),
    // shared-l2: pods are on-link with each other across nodes; nothing to route.
    ...(facts.datapath.crossNode === "shared-l2" ? [] : peerRoutes(facts, peers).map((args) => at("backend", node.netns)("ip", "route", "add", ...args))),
  ];
}

/** One route per distinct destination: a route to the whole pod network serves every peer at once. */
function peerRoutes(facts: BackendFacts, peers: readonly LabNode[]): string[][] {
  const routes = new Map<string, string[]>();
  for (const peer of peers) {
    const args = peerRouteArgs(facts, peer);
    routes.set(args.join(" "), args);
  }
  return [...routes.values()];
}

function overlayDevice(facts: BackendFacts, topo: LabTopology, node: LabNode): Step[] {
  const kind = tunnelKind(facts.datapath);
  const device = facts.datapath.device;
  if (kind === undefined || device === undefined) return [];
  const onNode = at("backend", node.netns);
  const mtu = String(tunnelDeviceMtu(facts.datapath, topo.underlayMtu));
  if (kind === "udp") return udpTunnelSteps(facts, topo, node);
  const address = onNode("ip", "addr", "add", `${node.podNetwork}/32`, "dev", device);
  if (kind === "ipip") {
    // calico configures the ipip module's own tunl0 rather than creating a device of its own.
    return [
      { ...onNode("ip", "link", "add", device, "type", "ipip"), tolerate: "exists" },
      onNode("ip", "link", "set", device, "mtu", mtu, "up"),
      address,
    ];
  }
  const { vni, port } = facts.datapath.vxlan!;
  return [
    // nolearning: the agent writes every FDB entry itself; the kernel must not learn from floods.
    onNode("ip", "link", "add", device, "address", node.vtepMac, "mtu", mtu, "type", "vxlan", "id", String(vni),
      "local", node.address, "dev", NODE_UPLINK, "dstport", String(port), "nolearning"),
    address,
    onNode("ip", "link", "set", device, "up"),
  ];
}

/** As flannel and felix write them: the peer VTEP's MAC for its tunnel address, and where that MAC lives. */
function vtepEntries(facts: BackendFacts, peer: LabNode, node: LabNode): Step[] {
  const device = facts.datapath.device;
  if (facts.datapath.vxlan === undefined || device === undefined) return [];
  const onNode = at("backend", node.netns);
  return [
    onNode("ip", "neigh", "add", peer.podNetwork, "lladdr", peer.vtepMac, "dev", device, "nud", "permanent"),
    onNode("bridge", "fdb", "add", peer.vtepMac, "dev", device, "dst", peer.address, "self", "permanent"),
  ];
}

/**
 * calico blackholes its own blocks (BIRD in BGP/IPIP mode, felix in VXLAN mode, same protocol as its
 * peer routes) so traffic to an unallocated pod address dies on the node instead of going out.
 */
function ownBlackhole(facts: BackendFacts, topo: LabTopology, node: LabNode): Step[] {
  if (facts.datapath.podAttachment !== "proxy-arp") return [];
  const peer = topo.nodes.find((n) => n.index !== node.index)!;
  const proto = routeProtocol(facts, peer);
  return [at("backend", node.netns)("ip", "route", "add", "blackhole", node.routeBlock, ...(proto ? ["proto", proto] : []))];
}
