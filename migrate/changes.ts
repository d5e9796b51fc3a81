/**
 * What a migration changed, from what the lab showed before and after: per node the CNI's devices
 * and the routes into the pod subnet, the pods' addresses, the pods' MTU (their node-side veths) and
 * NetworkPolicy enforcement. Pure: the snapshots are read by cli/services/migrate-cluster.ts.
 */
import { BACKEND_FACTS, type Backend } from "../backends";
import { containsCidr, parseCidr } from "../ip/cidr";
import { formatRoute, type IpInterface, type IpRoute } from "../ip/iproute2";

export interface NodeNetwork {
  node: string;
  links: IpInterface[];
  routes: IpRoute[];
}

export interface PodAddress {
  namespace: string;
  name: string;
  ip: string;
}

export interface LabSnapshot {
  backend: Backend;
  nodes: NodeNetwork[];
  /** Pods on the pod network (not hostNetwork), with their address. */
  pods: PodAddress[];
}

export interface ChangeRow {
  what: string;
  before: string;
  after: string;
}

/** Links a node has whatever the CNI: loopback and its uplink (a kind node's eth0 is itself a veth, from Docker). */
const NODE_OWN = new Set(["lo", "eth0"]);
/** The per-pod host-side interfaces (veth for bridge/ptp/calico); counted, not listed. */
const isPodEnd = (l: IpInterface) => l.kind === "veth" && !NODE_OWN.has(l.name);

function devices(n: NodeNetwork | undefined): string {
  if (!n) return "(not read)";
  const own = n.links.filter((l) => !NODE_OWN.has(l.name) && !isPodEnd(l)).map((l) => `${l.name} (${l.kind}${l.vxlan ? ` VNI ${l.vxlan.id} port ${l.vxlan.port}` : ""}, MTU ${l.mtu})`);
  const veths = n.links.filter(isPodEnd);
  return [...own, `${veths.length} pod veth${veths.length === 1 ? "" : "s"}${veths.length > 0 ? ` (${[...new Set(veths.map((v) => v.name.replace(/[0-9a-f]{6,}$/, "…")))].join(", ")})` : ""}`].join(", ");
}

/** Routes whose destination lies in the pod subnet: the CNI's own. */
function podRoutes(n: NodeNetwork | undefined, podSubnet: string): string {
  if (!n) return "(not read)";
  const pods = parseCidr(podSubnet);
  if (typeof pods === "string") throw new Error(`migrate: pod subnet ${podSubnet}: ${pods}`);
  const inside = n.routes.filter((r) => {
    const dst = parseCidr(r.dst.includes("/") ? r.dst : `${r.dst}/32`);
    return typeof dst !== "string" && containsCidr(pods, dst);
  });
  // Per-pod /32 host routes (ptp, calico) are counted; the per-node blocks are listed.
  const hosts = inside.filter((r) => !r.dst.includes("/") || r.dst.endsWith("/32"));
  const blocks = inside.filter((r) => !hosts.includes(r)).map(formatRoute);
  return [...blocks, ...(hosts.length > 0 ? [`${hosts.length} pod /32 routes`] : [])].join("; ") || "none";
}

function podMtus(s: LabSnapshot): string {
  const mtus = [...new Set(s.nodes.flatMap((n) => n.links.filter(isPodEnd).map((l) => l.mtu)))].sort((a, b) => a - b);
  return mtus.length === 0 ? "no pod veths" : mtus.join(", ");
}

function addresses(s: LabSnapshot, namespace: string): string {
  const ips = s.pods.filter((p) => p.namespace === namespace).map((p) => p.ip);
  return ips.length === 0 ? "none" : ips.sort().join(", ");
}

function enforcement(backend: Backend): string {
  const e = BACKEND_FACTS[backend].enforcement;
  const on = (["ingress", "egress", "ipBlock"] as const).filter((k) => e[k]);
  return on.length === 0 ? "not enforced" : `enforced (${on.join(", ")})`;
}

/** One row per thing that can change, in a fixed order; rows whose value did not change say so. */
export function changeRows(before: LabSnapshot, after: LabSnapshot, podSubnet: string): ChangeRow[] {
  const nodes = [...new Set([...before.nodes, ...after.nodes].map((n) => n.node))].sort();
  const at = (s: LabSnapshot, node: string) => s.nodes.find((n) => n.node === node);
  const namespaces = [...new Set([...before.pods, ...after.pods].map((p) => p.namespace))].sort();
  return [
    { what: "backend", before: before.backend, after: after.backend },
    ...nodes.map((node) => ({ what: `${node}: devices`, before: devices(at(before, node)), after: devices(at(after, node)) })),
    ...nodes.map((node) => ({ what: `${node}: routes in ${podSubnet}`, before: podRoutes(at(before, node), podSubnet), after: podRoutes(at(after, node), podSubnet) })),
    ...namespaces.map((ns) => ({ what: `pod IPs in ${ns}`, before: addresses(before, ns), after: addresses(after, ns) })),
    { what: "pod MTU (node-side veths)", before: podMtus(before), after: podMtus(after) },
    { what: "NetworkPolicy", before: enforcement(before.backend), after: enforcement(after.backend) },
  ];
}

/** The table `cnilab migrate` ends with: what, before, after, and `=` where nothing changed. */
export function renderChanges(rows: readonly ChangeRow[]): string {
  const cells = [["", "what", "before", "after"], ...rows.map((r) => [r.before === r.after ? "=" : "*", r.what, r.before, r.after])];
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  const lines = cells.map((c) => `  ${c.slice(0, 3).map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}  ${c[3]}`.trimEnd());
  return `${lines.join("\n")}\n  (* changed, = the same)\n`;
}
