/**
 * The datapath as observed on one node, for the comparison report next to what BACKEND_FACTS says
 * it should be: the pod MTU, the node's routes (`ip route`) and its devices (`ip -j -d link`). Pure.
 */

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

interface IpLink {
  ifname?: string;
  mtu?: number;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number } };
}

/** Per-pod host-side interfaces: flannel/kindnet `veth…`, calico `cali…`. */
const POD_INTERFACE = /^(veth|cali)/;

export function parseLinks(json: string): { devices: ObservedDevice[]; podInterfaces: number } {
  let links: IpLink[];
  try {
    links = JSON.parse(json) as IpLink[];
  } catch (err) {
    throw new Error(`\`ip -j -d link show\` output is not JSON (${(err as Error).message}): ${json.slice(0, 120)}`);
  }
  if (!Array.isArray(links)) throw new Error("`ip -j -d link show` output is not a list of links");
  const devices: ObservedDevice[] = [];
  let podInterfaces = 0;
  for (const l of links) {
    const name = l.ifname ?? "";
    if (name === "lo" || name === "") continue;
    const kind = l.linkinfo?.info_kind ?? "device";
    if (kind === "veth" && POD_INTERFACE.test(name)) {
      podInterfaces++;
      continue;
    }
    const data = l.linkinfo?.info_data;
    devices.push({
      name,
      kind,
      mtu: l.mtu ?? 0,
      ...(kind === "vxlan" && typeof data?.id === "number" && typeof data.port === "number" ? { vxlan: { id: data.id, port: data.port } } : {}),
      ...(l.master ? { master: l.master } : {}),
    });
  }
  return { devices, podInterfaces };
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
