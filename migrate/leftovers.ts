/**
 * What flannel leaves on a node, as data: every file, device, route and iptables chain its
 * DaemonSet, flanneld and its CNI plugin make, each with the upstream place that makes it. Nothing
 * here removes anything: cleanup.ts turns a list of these into the script a node runs.
 *
 * Read at flannel-io/flannel v0.28.9 (chart/kube-flannel, main.go, pkg/) and flannel-io/cni-plugin
 * flannel.go @ 084d30b (the plugin of ghcr.io/flannel-io/flannel-cni-plugin, the chart's init container).
 */
import { BACKEND_FACTS, type Backend } from "../backends";

export type Leftover =
  /** A file or folder, removed with what it holds; `path` is absolute on the node. */
  | { kind: "path"; path: string; why: string }
  /** A network device of this link type; a device of that name but another type is not ours and stays. */
  | { kind: "device"; name: string; linkType: "vxlan" | "bridge"; why: string }
  /** Unicast routes with a gateway, of protocol `boot` (what a netlink RouteAdd without a protocol gets), inside the pod subnet. */
  | { kind: "peer-routes"; why: string }
  /** An iptables chain: its rules flushed, the jump from `from` deleted, the chain deleted. */
  | { kind: "chain"; table: "nat" | "filter"; chain: string; from: string; comment: string; why: string };

/** flannel's VXLAN device: `flannel.<VNI>`, VNI 1 by default (pkg/backend/vxlan/vxlan.go defaultVNI, createVXLANDevice). */
export const FLANNEL_VXLAN_DEVICE: Leftover = {
  kind: "device",
  name: "flannel.1",
  linkType: "vxlan",
  why:
    "flanneld's VXLAN device (flannel.<VNI>, VNI 1: pkg/backend/vxlan/vxlan.go); flanneld deletes it only when the vxlan backend starts and finds one with other attributes (pkg/backend/vxlan/device.go), never on exit or under host-gw. Deleting it removes its routes, FDB and neighbour entries with it",
};

/** Every leftover of flannel on a node, whatever its backend; the device exists only where the backend made it. */
export const FLANNEL_LEFTOVERS: readonly Leftover[] = [
  {
    kind: "path",
    path: "/etc/cni/net.d/10-flannel.conflist",
    why: "the CNI config the chart's install-cni init container writes (chart templates/daemonset.yaml); while it is there the container runtime may keep choosing flannel for new pods",
  },
  {
    kind: "path",
    path: "/opt/cni/bin/flannel",
    why: "the flannel CNI plugin the chart's install-cni-plugin init container copies (chart templates/daemonset.yaml, cniBinDir /opt/cni/bin)",
  },
  {
    kind: "path",
    path: "/run/flannel",
    why: "subnet.env, the node's lease and MTU that flanneld writes (main.go --subnet-file /run/flannel/subnet.env) and the CNI plugin reads",
  },
  {
    kind: "path",
    path: "/var/lib/cni/flannel",
    why: "the CNI plugin's delegate config per pod (flannel-io/cni-plugin flannel.go defaultDataDir), kept for DEL",
  },
  {
    kind: "path",
    path: "/var/lib/cni/networks/cbr0",
    why: "host-local's address reservations for network cbr0 (the chart's cniConf name; host-local keeps them under /var/lib/cni/networks/<name>)",
  },
  FLANNEL_VXLAN_DEVICE,
  {
    kind: "device",
    name: "cni0",
    linkType: "bridge",
    why: "the bridge the flannel CNI plugin's delegate makes (containernetworking/plugins bridge: default name cni0), holding the node's pod gateway address and the route to its own /24",
  },
  {
    kind: "peer-routes",
    why: "host-gw's route to each peer node's /24 via that node (pkg/backend/route_network.go routeAdd, no protocol: boot); VXLAN's go with flannel.1",
  },
  {
    kind: "chain",
    table: "nat",
    chain: "FLANNEL-POSTRTG",
    from: "POSTROUTING",
    comment: "flanneld masq",
    why: "--ip-masq's masquerade rules (pkg/trafficmngr/iptables/iptables.go masqRules)",
  },
  {
    kind: "chain",
    table: "filter",
    chain: "FLANNEL-FWD",
    from: "FORWARD",
    comment: "flanneld forward",
    why: "flanneld's ACCEPT of forwarded pod traffic (pkg/trafficmngr/iptables/iptables.go forwardRules)",
  },
];

/**
 * What a node keeps of the old backend that the new one does not make or replace:
 * - between flannel backends: the VXLAN device when the new backend has none (host-gw replaces each
 *   peer route through flannel.1 by its own, route_network.go routeAdd, but never deletes the device);
 *   flanneld rewrites subnet.env, the conflist and its chains itself;
 * - from flannel to another CNI: all of flannel's.
 */
export function leftoversOf(from: Backend, to: Backend): Leftover[] {
  const a = BACKEND_FACTS[from];
  const b = BACKEND_FACTS[to];
  if (a.family !== "flannel") return [];
  if (b.family === "flannel") return a.datapath.device !== undefined && b.datapath.device === undefined ? [FLANNEL_VXLAN_DEVICE] : [];
  return [...FLANNEL_LEFTOVERS];
}

/** One line naming a leftover, as the dry run lists it. */
export function describeLeftover(l: Leftover, podSubnet: string): string {
  switch (l.kind) {
    case "path":
      return l.path;
    case "device":
      return `${l.linkType} device ${l.name}`;
    case "peer-routes":
      return `routes to peer nodes' pod subnets inside ${podSubnet} (via a gateway, protocol boot)`;
    case "chain":
      return `iptables -t ${l.table} chain ${l.chain} and its jump from ${l.from}`;
  }
}
