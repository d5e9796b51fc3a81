/**
 * The datapath as observed on one node, for the comparison report next to what BACKEND_FACTS says
 * it should be: the pod MTU, the node's routes (`ip route`) and its devices (`ip -j -d link`). Pure.
 */
import { parseIpAddr } from "../ip/iproute2";

export interface ObservedDevice {
  name: string;
  /** `linkinfo.info_kind` (vxlan, ipip, bridge, veth…), or "device" for one without. */
  kind: string;
  mtu: number;
  vxlan?: { id: number; port: number };
  /** The bridge it is enslaved to. */
  master?: string;
}

export interface ObservedFacts {
  /** The backend the stack declares. */
  backend: string;
  /** The node these routes and devices are from. */
  node: string;
  /** eth0 inside a pod. */
  podMtu?: number;
  /** The node's eth0: the kind network's MTU, the underlay of every overlay. */
  nodeMtu?: number;
  routes: string[];
  /** Node devices except lo and the per-pod veths (counted in podInterfaces). */
  devices: ObservedDevice[];
  podInterfaces: number;
}

/** Per-pod host-side interfaces: flannel/kindnet `veth…`, calico `cali…`. */
const POD_INTERFACE = /^(veth|cali)/;

/** A node's devices, and its per-pod veths counted with their MTUs (each the MTU of its pod's eth0: the CNI sets both ends alike). */
export function parseLinks(json: string): { devices: ObservedDevice[]; podInterfaces: number; podMtus: number[] } {
  const devices: ObservedDevice[] = [];
  let podInterfaces = 0;
  const podMtus = new Set<number>();
  for (const l of parseIpAddr(json, "ip -j -d link show")) {
    if (l.name === "lo" || l.name === "") continue;
    if (l.kind === "veth" && POD_INTERFACE.test(l.name)) {
      podInterfaces++;
      podMtus.add(l.mtu);
      continue;
    }
    devices.push({ name: l.name, kind: l.kind, mtu: l.mtu, ...(l.vxlan ? { vxlan: l.vxlan } : {}), ...(l.master ? { master: l.master } : {}) });
  }
  return { devices, podInterfaces, podMtus: [...podMtus].sort((a, b) => a - b) };
}

export function parseRoutes(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** The eth0 MTU from a parsed device list. */
export function deviceMtu(devices: readonly ObservedDevice[], name: string): number | undefined {
  return devices.find((d) => d.name === name)?.mtu;
}
