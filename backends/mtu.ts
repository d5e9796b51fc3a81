/**
 * The MTU rules of every backend, once: what the tunnel device and the pods get on an underlay of a
 * given MTU. The datapath labs build with these numbers and `compare` checks a node against them.
 */
import type { DatapathFacts } from "./types";

/**
 * The MTU of a kind node's eth0: kind's Docker network copies Docker's default bridge MTU, normally
 * unset, so 1500 (research/benchmarks.md §4.3). What a plan assumes when it must write an MTU down
 * (canal's veth_mtu) and what a report assumes when no node was measured.
 */
export const KIND_UNDERLAY_MTU = 1500;

/**
 * Bytes each tunnel device adds (IPv4 outer headers): VXLAN = outer Ethernet 14 + IP 20 + UDP 8 +
 * VXLAN 8 (flannel-io/flannel v0.28.9 pkg/backend/vxlan/vxlan_network.go `encapOverhead = 50`),
 * IPIP = outer IP 20, UDP = outer IP 20 + UDP 8 around the bare IP packet (flannel-io/flannel v0.28.9
 * pkg/backend/udp/udp_network_amd64.go `encapOverhead = 28`, and `MTU()` = the external interface's
 * MTU minus it). Needed apart from `overheadBytes` because flannel with DirectRouting keeps its vxlan
 * device while sending plain packets.
 */
export const TUNNEL_OVERHEAD = { vxlan: 50, ipip: 20, udp: 28 } as const;
export type TunnelKind = keyof typeof TUNNEL_OVERHEAD;

/** The overlay device's kind: vxlan when the facts carry VNI/port, ipip for IP-in-IP, udp for a TUN device, else none. */
export function tunnelKind(facts: DatapathFacts): TunnelKind | undefined {
  if (facts.device === undefined) return undefined;
  if (facts.vxlan !== undefined) return "vxlan";
  if (facts.encapsulation === "ipip") return "ipip";
  if (facts.encapsulation === "udp" && facts.udp !== undefined) return "udp";
  throw new Error(`datapath facts: device ${facts.device} has neither vxlan {vni, port}, encapsulation "ipip" nor encapsulation "udp" with {port}`);
}

/** The tunnel device's MTU (flannel.1, tunl0, vxlan.calico), or undefined for a backend without one. */
export function tunnelDeviceMtu(facts: DatapathFacts, underlayMtu: number): number | undefined {
  const kind = tunnelKind(facts);
  return kind === undefined ? undefined : underlayMtu - TUNNEL_OVERHEAD[kind];
}

/**
 * The pod MTU: the tunnel device's when there is one, else the underlay's less the overhead
 * (macvlan/ipvlan inherit their parent's).
 *
 * flannel with DirectRouting still gives pods the vxlan MTU, even to peers it reaches by plain
 * routes: at flannel-io/flannel v0.28.9 the vxlan network's `MTU()` is the configured MTU (default:
 * the external interface's, pkg/backend/vxlan/vxlan.go parseVXLANConfig) minus `encapOverhead`
 * whatever DirectRouting says (pkg/backend/vxlan/vxlan_network.go), and flanneld writes that value
 * as FLANNEL_MTU into subnet.env (main.go HandleSubnetFile, pkg/subnet/subnet.go), which the flannel
 * CNI plugin hands to the bridge plugin for the pod's veth. calico sizes veths for its encapsulation.
 */
export function podMtu(facts: DatapathFacts, underlayMtu: number): number {
  return tunnelDeviceMtu(facts, underlayMtu) ?? underlayMtu - facts.overheadBytes;
}
