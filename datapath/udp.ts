/**
 * flannel's udp backend in the lab: a TUN device per node and our user-space forwarder
 * (udp-forwarder.c) carrying its packets in UDP datagrams to the peer nodes, as flanneld does
 * (backends/flannel-udp.ts has the facts). Pure: steps and the daemon's command line as data.
 */
import { tunnelDeviceMtu } from "../backends/mtu";
import type { BackendFacts } from "../backends/types";
import { at } from "./step";
import type { Step } from "./step";
import type { LabNode, LabTopology } from "./topology";

/** The forwarder's program name in a plan; the lab runs the binary it built from udp-forwarder.c. */
export const UDP_FORWARDER = "cnilab-udp-forwarder";

/** A program a lab runs in one namespace for as long as it is up (the backend's agent in user space). */
export interface Daemon {
  netns: string;
  program: typeof UDP_FORWARDER;
  args: readonly string[];
}

/**
 * The TUN device as flanneld leaves it: the node's first pod address as a /32, MTU = underlay − 28, up.
 * flanneld creates it by opening /dev/net/tun; here `ip tuntap add` makes it persistent first so the
 * plan stays commands, and the forwarder attaches to it by name. Until it does, the device has no
 * carrier and the kernel drops what is routed into it.
 */
export function udpTunnelSteps(facts: BackendFacts, topo: LabTopology, node: LabNode): Step[] {
  const device = facts.datapath.device!;
  const onNode = at("backend", node.netns);
  return [
    onNode("ip", "tuntap", "add", "dev", device, "mode", "tun"),
    onNode("ip", "link", "set", device, "mtu", String(tunnelDeviceMtu(facts.datapath, topo.underlayMtu))),
    onNode("ip", "addr", "add", `${node.podNetwork}/32`, "dev", device),
    onNode("ip", "link", "set", device, "up"),
  ];
}

/** The forwarder on a node: its TUN device, its UDP socket on the node's address, one entry per peer node's pod range. */
export function udpForwarder(facts: BackendFacts, topo: LabTopology, node: LabNode): Daemon[] {
  const udp = facts.datapath.udp;
  if (udp === undefined || facts.datapath.device === undefined) return [];
  const peers = topo.nodes.filter((n) => n.index !== node.index).map((peer) => `${peer.podCidr}=${peer.address}`);
  return [{ netns: node.netns, program: UDP_FORWARDER, args: [facts.datapath.device, node.address, String(udp.port), node.podNetwork, ...peers] }];
}
