/**
 * iproute2's JSON output (`ip -j -d addr show` or `ip -j -d link show`, `ip -j route show`) as plain
 * data: one interface with its link details (and addresses, from `addr`), one route. Pure; the
 * fixtures in test/pod-net and test/perf are recorded from iproute2 6.1 (Debian bookworm's, as on
 * kind's node image).
 */

export interface IpAddress {
  family: "inet" | "inet6";
  /** "10.244.1.5/24" */
  cidr: string;
  scope: string;
}

export interface IpInterface {
  index: number;
  name: string;
  /** `linkinfo.info_kind` (veth, bridge, macvlan, ipvlan, vxlan…), or "device" when the link has none. */
  kind: string;
  mtu: number;
  mac?: string;
  /** `operstate`: UP, DOWN, UNKNOWN… */
  state: string;
  /** The bridge this interface is a port of. */
  master?: string;
  /**
   * `link_index`: for a veth, the ifindex of its peer; for a macvlan/ipvlan, of its parent. With
   * `link_netnsid` set, that index is in another network namespace (the node's, seen from a pod).
   */
  linkIndex?: number;
  linkInOtherNetns: boolean;
  /** macvlan/ipvlan mode (`info_data.mode`: bridge, l2, l3…). */
  mode?: string;
  /** A vxlan device's VNI and UDP port (`info_data.id`, `info_data.port`). */
  vxlan?: { id: number; port: number };
  addresses: IpAddress[];
}

export interface IpRoute {
  /** "default", "10.244.1.0/24", or a host address without a prefix ("10.244.1.5"). */
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  flags: string[];
}

interface RawLink {
  ifindex?: number;
  ifname?: string;
  mtu?: number;
  address?: string;
  operstate?: string;
  master?: string;
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: { mode?: string; id?: number; port?: number } };
  addr_info?: { family?: string; local?: string; prefixlen?: number; scope?: string }[];
}

type RawRoute = Omit<IpRoute, "flags"> & { flags?: string[] };

function parseList(json: string, source: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`\`${source}\` printed no JSON (${(err as Error).message}): ${json.slice(0, 120)}`);
  }
  if (!Array.isArray(value)) throw new Error(`\`${source}\` printed JSON that is not a list: ${json.slice(0, 120)}`);
  return value;
}

/** `ip -j -d addr show` (or `link show`, without addresses): every interface with its link details (kind, master, peer index) and addresses. */
export function parseIpAddr(json: string, source = "ip -j -d addr show"): IpInterface[] {
  return (parseList(json, source) as RawLink[]).map((l) => ({
    index: l.ifindex ?? 0,
    name: l.ifname ?? "",
    kind: l.linkinfo?.info_kind ?? "device",
    mtu: l.mtu ?? 0,
    ...(l.address ? { mac: l.address } : {}),
    state: l.operstate ?? "UNKNOWN",
    ...(l.master ? { master: l.master } : {}),
    ...(l.link_index !== undefined ? { linkIndex: l.link_index } : {}),
    linkInOtherNetns: l.link_netnsid !== undefined,
    ...(l.linkinfo?.info_data?.mode ? { mode: l.linkinfo.info_data.mode } : {}),
    ...vxlan(l),
    addresses: (l.addr_info ?? [])
      .filter((a) => (a.family === "inet" || a.family === "inet6") && a.local !== undefined)
      .map((a) => ({ family: a.family as "inet" | "inet6", cidr: `${a.local}/${a.prefixlen ?? (a.family === "inet" ? 32 : 128)}`, scope: a.scope ?? "global" })),
  }));
}

function vxlan(l: RawLink): { vxlan?: { id: number; port: number } } {
  const data = l.linkinfo?.info_data;
  return l.linkinfo?.info_kind === "vxlan" && typeof data?.id === "number" && typeof data.port === "number" ? { vxlan: { id: data.id, port: data.port } } : {};
}

/** `ip -j route show`. */
export function parseIpRoute(json: string, source = "ip -j route show"): IpRoute[] {
  return (parseList(json, source) as RawRoute[]).map((r) => ({ ...r, dst: r.dst ?? "default", flags: r.flags ?? [] }));
}

/** A route as `ip route` prints it: "10.244.1.5 dev veth1a2b3c4d scope host". */
export function formatRoute(r: IpRoute): string {
  const parts = [r.dst];
  if (r.gateway) parts.push("via", r.gateway);
  if (r.dev) parts.push("dev", r.dev);
  if (r.protocol) parts.push("proto", r.protocol);
  if (r.scope) parts.push("scope", r.scope);
  if (r.prefsrc) parts.push("src", r.prefsrc);
  parts.push(...r.flags);
  return parts.join(" ");
}
