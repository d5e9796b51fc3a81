/**
 * The datapath lab as an ordered list of commands, from a backend's facts and a node count. Pure:
 * tested as data; exec.ts runs it. Order: namespaces → the switch and node uplinks (kind's Docker
 * network) → pods (the CNI plugin's part) → peers (the backend agent's part) → kube-proxy's Service.
 */
import { podMtu } from "../backends/mtu";
import type { BackendFacts } from "../backends/types";
import { attachPods } from "./attach";
import { planBackend } from "./routes";
import { planService } from "./service";
import { at } from "./step";
import type { Step } from "./step";
import { LAB_DEFAULTS, NODE_UPLINK, SWITCH_BRIDGE, labNamespaces, labTopology } from "./topology";
import { udpForwarder, type Daemon } from "./udp";
import type { LabNode, LabOptions, LabTopology } from "./topology";

export interface DatapathLabPlan {
  topology: LabTopology;
  podMtu: number;
  steps: Step[];
  /** Programs started once every step ran, and running until the lab is down (flannel udp's forwarder). */
  daemons: Daemon[];
}

export function planDatapathLab(facts: BackendFacts, options: LabOptions = LAB_DEFAULTS): DatapathLabPlan {
  const topology = labTopology(facts.name, facts.datapath.routeBlockPrefix, options);
  const mtu = podMtu(facts.datapath, topology.underlayMtu);
  const steps: Step[] = [
    ...labNamespaces(topology).map((ns) => at("namespaces", null)("ip", "netns", "add", ns)),
    ...planSwitch(topology),
    ...topology.nodes.flatMap((node) => planNode(topology, node)),
    ...topology.nodes.flatMap((node) => attachPods(facts.datapath.podAttachment, node, mtu)),
    ...topology.nodes.flatMap((node) => planBackend(facts, topology, node)),
    ...topology.nodes.flatMap((node) => planService(topology, node)),
  ];
  return { topology, podMtu: mtu, steps, daemons: topology.nodes.flatMap((node) => udpForwarder(facts, topology, node)) };
}

function planSwitch(topo: LabTopology): Step[] {
  const sw = at("underlay", topo.switchNetns);
  return [
    sw("ip", "link", "set", "lo", "up"),
    sw("ip", "link", "add", SWITCH_BRIDGE, "type", "bridge"),
    // Docker's bridge holds the network's gateway address; the nodes' default route points at it.
    sw("ip", "addr", "add", `${topo.gateway}/${topo.underlayPrefix}`, "dev", SWITCH_BRIDGE),
    sw("ip", "link", "set", SWITCH_BRIDGE, "up"),
  ];
}

/** A kind node: eth0 on the switch, a default route via the gateway, forwarding on. */
function planNode(topo: LabTopology, node: LabNode): Step[] {
  const sw = at("underlay", topo.switchNetns);
  const onNode = at("underlay", node.netns);
  const mtu = String(topo.underlayMtu);
  return [
    sw("ip", "link", "add", node.switchPort, "mtu", mtu, "type", "veth", "peer", "name", NODE_UPLINK, "mtu", mtu, "netns", node.netns),
    sw("ip", "link", "set", node.switchPort, "master", SWITCH_BRIDGE, "up"),
    onNode("ip", "link", "set", "lo", "up"),
    onNode("ip", "addr", "add", `${node.address}/${topo.underlayPrefix}`, "dev", NODE_UPLINK),
    onNode("ip", "link", "set", NODE_UPLINK, "up"),
    onNode("ip", "route", "add", "default", "via", topo.gateway, "dev", NODE_UPLINK),
    onNode("sysctl", "-qw", "net.ipv4.ip_forward=1"),
  ];
}
