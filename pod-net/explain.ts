/**
 * `explain pod` as one pure step: the pod from the API, its sandbox from crictl, and `ip -j` output
 * from inside the pod's network namespace and from the node, in; what holds what, and in words, out.
 */
import type { PodAttachment } from "../backends/types";
import { containsIp, parseCidr, parseIpv4 } from "../ip/cidr";
import type { SandboxDetail } from "./crictl";
import { formatRoute, type IpInterface, type IpRoute } from "../ip/iproute2";
import type { PodView } from "./pod";

/** What was read on the node. */
export interface NodeReadings {
  sandbox: SandboxDetail;
  /** How the pod's namespace was entered ("nsenter --net=/var/run/netns/cni-…"). */
  entered: string;
  podLinks: IpInterface[];
  podRoutes: IpRoute[];
  nodeLinks: IpInterface[];
  nodeRoutes: IpRoute[];
}

/** How eth0 is attached, as seen: a veth pair, or a sub-interface of a node device. */
export type SeenAttachment = "veth" | "macvlan" | "ipvlan" | "other";

export interface InterfaceView {
  name: string;
  index: number;
  kind: string;
  mtu: number;
  mac?: string;
  mode?: string;
  master?: string;
  addresses: string[];
}

export interface PodExplanation {
  pod: PodView;
  node: string;
  /** The stack backend's attachment (backends/), to compare with what is seen. */
  expected: PodAttachment;
  sandbox: SandboxDetail;
  entered: string;
  podInterface?: InterfaceView;
  podRoutes: string[];
  attachment: SeenAttachment;
  /** The veth's other end, or the macvlan/ipvlan parent, on the node. */
  nodeInterface?: InterfaceView;
  /** The node's routes that cover the pod IP, most specific first (the first one is used). */
  nodeRoutes: string[];
  story: string[];
  problems: string[];
}

const view = (l: IpInterface): InterfaceView => ({
  name: l.name,
  index: l.index,
  kind: l.kind,
  mtu: l.mtu,
  ...(l.mac ? { mac: l.mac } : {}),
  ...(l.mode ? { mode: l.mode } : {}),
  ...(l.master ? { master: l.master } : {}),
  addresses: l.addresses.filter((a) => a.family === "inet").map((a) => a.cidr),
});

/** The prefix length of a route's destination when it covers the address, else undefined. */
function covers(route: IpRoute, ip: number): number | undefined {
  if (route.dst === "default") return undefined;
  const [address, prefix = "32"] = route.dst.split("/");
  const base = parseIpv4(address!);
  if (base === undefined) return undefined;
  const cidr = parseCidr(`${address}/${prefix}`);
  if (typeof cidr !== "string") return containsIp(cidr, ip) ? cidr.prefix : undefined;
  // A route's dst never has host bits set, but a host address with a prefix would: compare as /32.
  return base === ip ? 32 : undefined;
}

export function routesCovering(routes: readonly IpRoute[], address: string): IpRoute[] {
  const ip = parseIpv4(address);
  if (ip === undefined) return [];
  return routes
    .map((r) => ({ r, prefix: covers(r, ip) }))
    .filter((x): x is { r: IpRoute; prefix: number } => x.prefix !== undefined)
    .sort((a, b) => b.prefix - a.prefix)
    .map((x) => x.r);
}

function seen(kind: string): SeenAttachment {
  return kind === "veth" || kind === "macvlan" || kind === "ipvlan" ? kind : "other";
}

/** What each backend attachment looks like from the node, for the comparison with what is seen. */
const EXPECTED: Record<PodAttachment, { attachment: SeenAttachment; bridged?: boolean; says: string }> = {
  bridge: { attachment: "veth", bridged: true, says: "a veth per pod whose node end is a port of the bridge cni0" },
  ptp: { attachment: "veth", bridged: false, says: "a veth per pod with a /32 route to the pod on the node (ptp plugin), no bridge" },
  "proxy-arp": { attachment: "veth", bridged: false, says: "a veth per pod (cali…) with a /32 route, no bridge" },
  macvlan: { attachment: "macvlan", says: "a macvlan sub-interface of the node's eth0" },
  "ipvlan-l2": { attachment: "ipvlan", says: "an ipvlan (L2) sub-interface of the node's eth0" },
  "ipvlan-l3": { attachment: "ipvlan", says: "an ipvlan (L3) sub-interface of the node's eth0" },
};

export function explainPod(pod: PodView, node: string, expected: PodAttachment, r: NodeReadings): PodExplanation {
  const ip = pod.ip ?? r.sandbox.ip ?? "";
  const problems: string[] = [];
  const story: string[] = [];
  const s = r.sandbox;
  const holder = [`sandbox ${s.id.slice(0, 13)}`, s.image ? `image ${s.image}` : "", s.pid ? `pid ${s.pid}` : ""].filter((x) => x !== "").join(", ");
  const containers = pod.containers.length > 0 ? ` (${pod.containers.join(", ")})` : "";
  story.push(
    `The pause container (${holder}) holds the pod's network namespace${s.netnsPath ? ` ${s.netnsPath}` : ""}; every container of the pod${containers} ` +
      `joins it, so they share one eth0, one IP (${ip}) and one localhost: a container reaches another on 127.0.0.1.`,
  );
  if (!s.ready) problems.push(`sandbox ${s.id.slice(0, 13)} is not ready (crictl says SANDBOX_NOTREADY)`);
  if (s.netnsClosed) problems.push(`the sandbox's network namespace is closed: the pod's network was torn down`);
  if (s.ip && pod.ip && s.ip !== pod.ip) problems.push(`the runtime recorded IP ${s.ip} for the sandbox, the API server says ${pod.ip}`);

  const own = r.podLinks.find((l) => l.addresses.some((a) => a.cidr.split("/")[0] === ip));
  const eth = own ?? r.podLinks.find((l) => l.name === "eth0");
  if (!own) problems.push(`no interface in the pod's network namespace has the pod IP ${ip}${eth ? ` (eth0 has ${view(eth).addresses.join(", ") || "no IPv4 address"})` : ""}`);
  const podRoutes = r.podRoutes.map(formatRoute);
  const base = { pod, node, expected, sandbox: s, entered: r.entered, podRoutes };
  if (!eth) {
    problems.push("the pod's network namespace has no eth0 and no interface with the pod IP");
    return { ...base, attachment: "other", nodeRoutes: [], story, problems };
  }
  const podInterface = view(eth);
  const attachment = seen(eth.kind);
  const peer = eth.linkIndex !== undefined && eth.linkInOtherNetns ? r.nodeLinks.find((l) => l.index === eth.linkIndex) : undefined;
  const nodeRoutes = routesCovering(r.nodeRoutes, ip);
  const at = `${eth.name} in the pod (${podInterface.addresses.join(", ") || "no IPv4 address"}, MTU ${eth.mtu})`;
  const gateway = r.podRoutes.find((x) => x.dst === "default");

  if (attachment === "veth") {
    if (!peer) problems.push(`${eth.name} is a veth whose peer is ifindex ${eth.linkIndex ?? "(not shown)"}, which node ${node} does not have`);
    story.push(`${at} is one end of a veth pair; its other end is ${peer ? `${peer.name} (ifindex ${peer.index})` : `ifindex ${eth.linkIndex}`} on node ${node}.`);
    const used = nodeRoutes[0];
    if (!used) problems.push(`node ${node} has no route to the pod IP ${ip}`);
    else if (peer?.master) story.push(`${peer.name} is a port of the bridge ${peer.master}: the node reaches the pod through the bridge (route '${formatRoute(used)}'), and the pods on this node meet on ${peer.master}.`);
    else if (peer) story.push(`${peer.name} is on no bridge: the node reaches the pod by a route of its own, '${formatRoute(used)}'.`);
  } else if (attachment === "macvlan" || attachment === "ipvlan") {
    const l2 = attachment === "macvlan" ? "with a MAC address of its own" : "sharing the parent's MAC address";
    story.push(
      `${at} is not a veth: it is ${attachment === "ipvlan" ? "an" : "a"} ${attachment} device${eth.mode ? ` (mode ${eth.mode})` : ""} on top of the node's ${peer ? `${peer.name} (ifindex ${peer.index})` : `ifindex ${eth.linkIndex}`}, ${l2}. ` +
        "There is no node-side end and no bridge: the pod's packets leave directly through the parent device, and the node's own address cannot reach the pod through it.",
    );
    if (!peer) problems.push(`${eth.name}'s parent is ifindex ${eth.linkIndex ?? "(not shown)"}, which node ${node} does not have`);
  } else {
    story.push(`${at} is a ${eth.kind} device, neither a veth nor a macvlan/ipvlan sub-interface.`);
  }
  if (gateway) story.push(`Inside the pod, everything not on-link goes to ${gateway.gateway ?? gateway.dev} ('${formatRoute(gateway)}').`);

  const want = EXPECTED[expected];
  const bridgedOk = want.bridged === undefined || peer === undefined || (peer.master !== undefined) === want.bridged;
  if (want.attachment !== attachment || !bridgedOk) problems.push(`the stack's backend attaches pods by ${expected} (${want.says}), but this pod's ${eth.name} is a ${eth.kind}${peer?.master ? ` on bridge ${peer.master}` : ""}`);

  return { ...base, podInterface, attachment, ...(peer ? { nodeInterface: view(peer) } : {}), nodeRoutes: nodeRoutes.map(formatRoute), story, problems };
}
