/**
 * How each backend's CNI plugin attaches a pod to its node, as commands. Pure.
 * One function per `PodAttachment`; the pod's own routes live in POD_ROUTES so the probe
 * expectations (probes.ts) read the same table the plan programs.
 */
import type { PodAttachment } from "../backends/types";
import { containsIp, host, mustParseCidr, parseIpv4 } from "../ip/cidr";
import { at } from "./step";
import type { Step } from "./step";
import { NODE_UPLINK, POD_CIDR, UNDERLAY_CIDR } from "./topology";
import type { LabNode, LabPod } from "./topology";

/** calico's fixed pod gateway: every pod routes via it and the host-side veth answers by proxy ARP. */
export const CALICO_GATEWAY = "169.254.1.1";
/** calico gives every host-side veth this MAC (felix: the same on every cali* interface). */
const CALICO_VETH_MAC = "ee:ee:ee:ee:ee:ee";
const BRIDGE = "cni0";

/**
 * What a pod can reach by route: "default" (a default route via its node), or on-link prefixes only.
 * macvlan/ipvlan L2: on-link in the whole pod subnet and nothing else (backends/multiplex.ts conflist,
 * `routes: []`); ipvlan L3: the pod subnet and the node subnet via the interface (its conflist routes).
 */
export const POD_ROUTES: Record<PodAttachment, "default" | readonly string[]> = {
  bridge: "default",
  ptp: "default",
  "proxy-arp": "default",
  macvlan: [POD_CIDR],
  "ipvlan-l2": [POD_CIDR],
  "ipvlan-l3": [POD_CIDR, UNDERLAY_CIDR],
};

export function podHasRoute(attachment: PodAttachment, ip: string): boolean {
  const routes = POD_ROUTES[attachment];
  if (routes === "default") return true;
  const value = parseIpv4(ip);
  if (value === undefined) throw new Error(`podHasRoute: '${ip}' is not an IPv4 address`);
  return routes.some((r) => containsIp(mustParseCidr(r), value));
}

/** Host-side interface name of a pod's veth (≤ 15 characters, unique within its node). */
export function hostIf(attachment: PodAttachment, pod: LabPod): string {
  const k = pod.name.split("-p")[1]!;
  return attachment === "proxy-arp" ? `calip${k}` : attachment === "bridge" || attachment === "ptp" ? `veth-p${k}` : `sub-p${k}`;
}

export function attachPods(attachment: PodAttachment, node: LabNode, mtu: number): Step[] {
  const steps: Step[] = [];
  const onNode = at("pods", node.netns);
  if (attachment === "bridge") {
    steps.push(
      onNode("ip", "link", "add", BRIDGE, "type", "bridge"),
      onNode("ip", "link", "set", BRIDGE, "mtu", String(mtu)),
      onNode("ip", "addr", "add", `${gatewayOf(node)}/24`, "dev", BRIDGE),
      onNode("ip", "link", "set", BRIDGE, "up"),
    );
  }
  for (const pod of node.pods) steps.push(...attachPod(attachment, node, pod, mtu));
  return steps;
}

function attachPod(attachment: PodAttachment, node: LabNode, pod: LabPod, mtu: number): Step[] {
  const onNode = at("pods", node.netns);
  const inPod = at("pods", pod.netns);
  const ifname = hostIf(attachment, pod);
  const veth = onNode("ip", "link", "add", ifname, "mtu", String(mtu), "type", "veth", "peer", "name", "eth0", "mtu", String(mtu), "netns", pod.netns);
  const podUp = [inPod("ip", "link", "set", "lo", "up"), inPod("ip", "link", "set", "eth0", "up")];
  const gw = gatewayOf(node);
  switch (attachment) {
    case "bridge":
      return [
        veth,
        onNode("ip", "link", "set", ifname, "master", BRIDGE, "up"),
        ...podUp,
        inPod("ip", "addr", "add", `${pod.address}/24`, "dev", "eth0"),
        inPod("ip", "route", "add", "default", "via", gw, "dev", "eth0"),
      ];
    case "ptp":
      // The ptp plugin: the gateway address sits on every host-side veth as a /32, each pod gets a
      // host route, and the pod reaches its /24 through the gateway, never on-link.
      return [
        veth,
        onNode("ip", "addr", "add", `${gw}/32`, "dev", ifname),
        onNode("ip", "link", "set", ifname, "up"),
        onNode("ip", "route", "add", `${pod.address}/32`, "dev", ifname, "scope", "host"),
        ...podUp,
        inPod("ip", "addr", "add", `${pod.address}/24`, "dev", "eth0", "noprefixroute"),
        inPod("ip", "route", "add", gw, "dev", "eth0", "scope", "link", "src", pod.address),
        inPod("ip", "route", "add", node.podCidr, "via", gw, "dev", "eth0", "src", pod.address),
        inPod("ip", "route", "add", "default", "via", gw, "dev", "eth0"),
      ];
    case "proxy-arp":
      // calico: no bridge, no gateway address anywhere; the host veth answers ARP for 169.254.1.1
      // because the node has a route to it (its default route) through another interface.
      return [
        veth,
        onNode("ip", "link", "set", ifname, "address", CALICO_VETH_MAC),
        onNode("sysctl", "-qw", `net.ipv4.conf.${ifname}.proxy_arp=1`),
        onNode("sysctl", "-qw", `net.ipv4.neigh.${ifname}.proxy_delay=0`),
        onNode("ip", "link", "set", ifname, "up"),
        onNode("ip", "route", "add", `${pod.address}/32`, "dev", ifname, "scope", "link"),
        ...podUp,
        inPod("ip", "addr", "add", `${pod.address}/32`, "dev", "eth0"),
        inPod("ip", "route", "add", CALICO_GATEWAY, "dev", "eth0", "scope", "link"),
        inPod("ip", "route", "add", "default", "via", CALICO_GATEWAY, "dev", "eth0"),
      ];
    case "macvlan":
    case "ipvlan-l2":
    case "ipvlan-l3":
      return subInterface(attachment, node, pod, ifname);
  }
}

/** macvlan/ipvlan: a sub-interface of the node's uplink, moved into the pod and renamed eth0. */
function subInterface(attachment: "macvlan" | "ipvlan-l2" | "ipvlan-l3", node: LabNode, pod: LabPod, ifname: string): Step[] {
  const onNode = at("pods", node.netns);
  const inPod = at("pods", pod.netns);
  const type = attachment === "macvlan" ? ["macvlan", "mode", "bridge"] : ["ipvlan", "mode", attachment === "ipvlan-l2" ? "l2" : "l3"];
  const routes = POD_ROUTES[attachment];
  const podPrefix = attachment === "ipvlan-l3" ? 24 : mustParseCidr(POD_CIDR).prefix;
  return [
    onNode("ip", "link", "add", ifname, "link", NODE_UPLINK, "type", ...type),
    onNode("ip", "link", "set", ifname, "netns", pod.netns),
    inPod("ip", "link", "set", ifname, "name", "eth0"),
    inPod("ip", "link", "set", "lo", "up"),
    inPod("ip", "link", "set", "eth0", "up"),
    inPod("ip", "addr", "add", `${pod.address}/${podPrefix}`, "dev", "eth0"),
    // L3 mode: the /24 is on-link through the address; the other prefixes need explicit routes.
    ...(attachment === "ipvlan-l3" && routes !== "default"
      ? routes.map((r) => inPod("ip", "route", "add", r, "dev", "eth0"))
      : []),
  ];
}

/** .1 of the node's pod range: the bridge's address (flannel) or every ptp veth's (kindnet). */
export function gatewayOf(node: LabNode): string {
  return host(mustParseCidr(node.podCidr), 1);
}
