/**
 * Pod-like network namespaces built for real, one "node" namespace per attachment with one "pod"
 * namespace beside it, wired the way each CNI plugin wires a pod (names, MACs and addresses fixed so
 * that what `ip -j` prints is the same on every run):
 * - ptp (kindnet): a veth, the node end named veth<8 hex> with the gateway /32 on it and a /32 host
 *   route to the pod (containernetworking/plugins pkg/ip/link_linux.go RandomVethName: "veth%x" of 4
 *   random bytes; plugins/main/ptp);
 * - bridge (flannel): the node end a port of cni0, which holds the gateway /24 (plugins/main/bridge
 *   defaultBrName "cni0"; flannel's CNI plugin delegates to bridge), MTU 1450 as flannel VXLAN sets;
 * - macvlan: the pod's eth0 a macvlan (mode bridge) of the node's eth0, no node-side end.
 * Needs root. No packet is sent.
 */
import { execFileSync } from "node:child_process";

export const ATTACHMENTS = ["ptp", "bridge", "macvlan"] as const;
export type Attachment = (typeof ATTACHMENTS)[number];

export interface PodNetns {
  node: string;
  pod: string;
  /** The other side of the node's eth0 (the kind network in a real cluster). */
  wire: string;
}

export const POD_IP: Record<Attachment, string> = { ptp: "10.244.1.5", bridge: "10.244.2.6", macvlan: "10.244.3.7" };

export function names(prefix: string, a: Attachment): PodNetns {
  return { node: `${prefix}-${a}-node`, pod: `${prefix}-${a}-pod`, wire: `${prefix}-${a}-wire` };
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe", timeout: 10_000 });

export function build(prefix: string, a: Attachment): PodNetns {
  const n = names(prefix, a);
  for (const ns of [n.node, n.pod, n.wire]) ip("netns", "add", ns);
  ip("-n", n.node, "link", "set", "lo", "up");
  ip("-n", n.pod, "link", "set", "lo", "up");
  // The node's uplink, as kind's eth0 on the Docker network.
  ip("-n", n.node, "link", "add", "eth0", "address", "02:42:ac:12:00:03", "type", "veth", "peer", "name", "uplink", "netns", n.wire);
  ip("-n", n.node, "addr", "add", "172.18.0.3/16", "dev", "eth0");
  ip("-n", n.node, "link", "set", "eth0", "up");
  ip("-n", n.wire, "link", "set", "uplink", "up");
  const podIp = POD_IP[a];
  if (a === "macvlan") {
    ip("-n", n.node, "link", "add", "link", "eth0", "name", "mv0", "address", "0a:58:0a:f4:03:07", "type", "macvlan", "mode", "bridge");
    ip("-n", n.node, "link", "set", "mv0", "netns", n.pod);
    ip("-n", n.pod, "link", "set", "mv0", "name", "eth0");
    ip("-n", n.pod, "addr", "add", `${podIp}/24`, "dev", "eth0");
    ip("-n", n.pod, "link", "set", "eth0", "up");
    return n;
  }
  const mtu = a === "bridge" ? "1450" : "1500";
  const hostEnd = a === "bridge" ? "veth3f1c9a2e" : "veth1a2b3c4d";
  ip("-n", n.node, "link", "add", hostEnd, "mtu", mtu, "address", "ee:ee:ee:00:00:01", "type", "veth", "peer", "name", "eth0", "mtu", mtu, "address", "0a:58:0a:f4:00:05", "netns", n.pod);
  ip("-n", n.pod, "addr", "add", `${podIp}/24`, "dev", "eth0");
  ip("-n", n.pod, "link", "set", "eth0", "up");
  const gateway = podIp.replace(/\.\d+$/, ".1");
  if (a === "bridge") {
    ip("-n", n.node, "link", "add", "cni0", "mtu", mtu, "address", "ee:ee:ee:00:00:0b", "type", "bridge");
    ip("-n", n.node, "addr", "add", `${gateway}/24`, "dev", "cni0");
    ip("-n", n.node, "link", "set", hostEnd, "master", "cni0");
    ip("-n", n.node, "link", "set", "cni0", "up");
    ip("-n", n.node, "link", "set", hostEnd, "up");
    ip("-n", n.pod, "route", "add", "default", "via", gateway, "dev", "eth0");
  } else {
    ip("-n", n.node, "addr", "add", `${gateway}/32`, "dev", hostEnd);
    ip("-n", n.node, "link", "set", hostEnd, "up");
    ip("-n", n.node, "route", "add", `${podIp}/32`, "dev", hostEnd, "scope", "host");
    ip("-n", n.pod, "route", "add", "default", "via", gateway, "dev", "eth0", "onlink");
  }
  return n;
}

export function remove(prefix: string, a: Attachment): void {
  const n = names(prefix, a);
  for (const ns of [n.pod, n.node, n.wire]) {
    try {
      ip("netns", "del", ns);
    } catch {
      // not there: nothing to remove
    }
  }
}

/** What explain pod reads: the same commands, run in the namespaces instead of through nsenter on a node. */
export function readIp(n: PodNetns): { podAddr: string; podRoute: string; nodeAddr: string; nodeRoute: string } {
  const run = (ns: string, ...args: string[]) => execFileSync("ip", ["-n", ns, "-j", ...args], { encoding: "utf8", timeout: 10_000 });
  return {
    podAddr: run(n.pod, "-d", "addr", "show"),
    podRoute: run(n.pod, "route", "show"),
    nodeAddr: run(n.node, "-d", "addr", "show"),
    nodeRoute: run(n.node, "route", "show"),
  };
}
