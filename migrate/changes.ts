/**
 * What a migration changed, from what the lab showed before and after: per node the CNI's devices
 * and the routes into the pod subnet, the pods' addresses, the pods' MTU (their node-side veths) and
 * NetworkPolicy enforcement. Pure: the snapshots are read by cli/services/migrate-cluster.ts.
 */
import { BACKEND_FACTS, type Backend } from "../backends";
import { containsCidr, parseCidr } from "../ip/cidr";
import type { NodeNetworkView } from "../perf/host";

/** What perf's node reader (perf/host.ts nodeNetwork) returns, for one named node. */
export interface NodeNetwork extends NodeNetworkView {
  node: string;
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

/** The devices a CNI makes (the node's own eth0 aside), then its pod veths, counted. */
function devices(n: NodeNetwork | undefined): string {
  if (!n) return "(not read)";
  const own = n.devices.filter((d) => d.name !== "eth0").map((d) => `${d.name} (${d.kind}${d.vxlan ? ` VNI ${d.vxlan.id} port ${d.vxlan.port}` : ""}, MTU ${d.mtu})`);
  return [...own, `${n.podInterfaces} pod veth${n.podInterfaces === 1 ? "" : "s"}`].join(", ");
}

/** An `ip route` line's destination as a CIDR ("blackhole 10.244.1.0/26" → 10.244.1.0/26; a host address → /32). */
function destination(line: string): string {
  const first = line.split(/\s+/).find((w) => w !== "blackhole" && w !== "unreachable" && w !== "prohibit") ?? "";
  return first.includes("/") ? first : `${first}/32`;
}

/** `ip route` lines whose destination lies in the pod subnet: the CNI's own; per-pod /32 host routes counted. */
function podRoutes(n: NodeNetwork | undefined, podSubnet: string): string {
  if (!n) return "(not read)";
  const pods = parseCidr(podSubnet);
  if (typeof pods === "string") throw new Error(`migrate: pod subnet ${podSubnet}: ${pods}`);
  const inside = n.routes.filter((line) => {
    const dst = parseCidr(destination(line));
    return typeof dst !== "string" && containsCidr(pods, dst);
  });
  const hosts = inside.filter((line) => destination(line).endsWith("/32"));
  const blocks = inside.filter((line) => !hosts.includes(line));
  return [...blocks, ...(hosts.length > 0 ? [`${hosts.length} pod /32 routes`] : [])].join("; ") || "none";
}

function podMtus(s: LabSnapshot): string {
  const mtus = [...new Set(s.nodes.flatMap((n) => n.podMtus))].sort((a, b) => a - b);
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
