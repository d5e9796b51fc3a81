import type { DatapathFacts } from "../backends/types";

/**
 * Bytes each tunnel device adds (IPv4 outer headers): VXLAN = outer Ethernet 14 + IP 20 + UDP 8 +
 * VXLAN 8 (flannel pkg/backend/vxlan `encapOverhead = 50`), IPIP = outer IP 20. Needed apart from
 * `overheadBytes` because flannel with DirectRouting keeps its vxlan device while sending plain packets.
 */
export const TUNNEL_OVERHEAD = { vxlan: 50, ipip: 20 } as const;
export type TunnelKind = keyof typeof TUNNEL_OVERHEAD;

/** The overlay device's kind: vxlan when the facts carry VNI/port, ipip for IP-in-IP, else none. */
export function tunnelKind(facts: DatapathFacts): TunnelKind | undefined {
  if (facts.device === undefined) return undefined;
  if (facts.vxlan !== undefined) return "vxlan";
  if (facts.encapsulation === "ipip") return "ipip";
  throw new Error(`datapath facts: device ${facts.device} has neither vxlan {vni, port} nor encapsulation "ipip"`);
}

export function deviceMtu(facts: DatapathFacts, underlayMtu: number): number | undefined {
  const kind = tunnelKind(facts);
  return kind === undefined ? undefined : underlayMtu - TUNNEL_OVERHEAD[kind];
}

/**
 * Pods get the overlay device's MTU when there is one: flannel writes FLANNEL_MTU from its device
 * even when DirectRouting sends a peer plain packets, and calico sizes veths for its encapsulation.
 * Without a device the pod MTU is the underlay's (macvlan/ipvlan inherit their parent's).
 */
export function podMtu(facts: DatapathFacts, underlayMtu: number): number {
  return deviceMtu(facts, underlayMtu) ?? underlayMtu - facts.overheadBytes;
}
