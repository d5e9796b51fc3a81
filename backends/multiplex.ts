import { formatCidr, host, mustParseCidr, subnet } from "../ip/cidr";
import type { CniInstall, InstallContext, PlannedNode } from "./install";
import { PREREQUISITES_NAME, PREREQUISITES_NAMESPACE, prerequisitesObjects } from "./prerequisites";
import type { BackendFacts, Enforcement, Limitation } from "./types";

/**
 * macvlan and ipvlan as the primary CNI: each pod gets a sub-interface of the node's eth0 (its link on
 * the lab's Docker network), addressed by host-local from a per-node range. No bridge, no overlay, no
 * kube-proxy on the pod's path: fast, and the lab shows exactly what that costs.
 */
export type MultiplexVariant = "macvlan" | "ipvlan-l2" | "ipvlan-l3";

const ENFORCEMENT: Enforcement = {
  ingress: false,
  egress: false,
  ipBlock: false,
  why: "no policy controller runs with a plain macvlan/ipvlan CNI, and pod traffic leaves through eth0 without passing the node's netfilter",
};

const OWN_NODE_L2: Limitation = {
  id: "pod-to-own-node",
  outcome: "no-route",
  // The kernel does not deliver between a macvlan/ipvlan sub-interface and its parent (k8s#41736).
  why: "the kernel never delivers traffic between a macvlan/ipvlan sub-interface and its parent eth0, so a pod cannot reach its own node (and these pods have no route to node addresses at all)",
};
const OWN_NODE_L3: Limitation = {
  id: "pod-to-own-node",
  outcome: "timeout",
  why: "the kernel never delivers traffic between an ipvlan sub-interface and its parent eth0: the route to the node subnet exists, but packets to the own node vanish",
};
const CLUSTER_IP: Limitation = {
  id: "pod-to-clusterip",
  outcome: "no-route",
  // k8s#53089: kube-proxy's DNAT lives in the node netns; the pod's packets (and for L3 the replies) skip it.
  why:
    "pods have no route to the service subnet: their traffic leaves via eth0 without traversing the node's iptables, where kube-proxy translates the ClusterIP. " +
    "CoreDNS is such a pod too: it cannot reach the API server's ClusterIP and its node's kubelet cannot probe it, so it never becomes Ready and crash-loops",
};
/**
 * Every path that starts in a node's own namespace and ends at a pod on that node: kubelet's HTTP/TCP/gRPC
 * probes, a NodePort or hostPort whose DNAT (kube-proxy, portmap) happens on the node hosting the
 * endpoint, a hostNetwork pod calling a pod beside it. Paths the node does not originate are unaffected:
 * the readiness Job and the prerequisites DaemonSet use the host network and talk only to the API server;
 * exec probes, logs and port-forward go through the container runtime, not the network.
 */
const NODE_TO_OWN_PODS_WHY =
  "the node's own namespace cannot reach the pods on its eth0: the kernel never delivers from a macvlan/ipvlan parent to its own sub-interfaces " +
  "(k8s#41736), so a NodePort or hostPort landing on the node that hosts the endpoint times out, and so do kubelet's network probes of its pods " +
  "(a pod with a readinessProbe never becomes Ready, a livenessProbe restarts it)";
const NODE_TO_OWN_PODS_L2: Limitation = {
  id: "node-to-own-pods",
  outcome: "timeout",
  // Nodes keep Docker's routes only (the node subnet and a default route), so no node reaches any pod.
  why: `${NODE_TO_OWN_PODS_WHY}; besides, nodes have no route to the pod subnet, so their packets to any pod leave by the default route`,
};
const NODE_TO_OWN_PODS_L3: Limitation = {
  id: "node-to-own-pods",
  outcome: "timeout",
  // The peer routes cover the other nodes' ranges only; the own range falls to the default route.
  why: `${NODE_TO_OWN_PODS_WHY}; a node routes its peers' pod ranges, but packets to its own range leave by the default route`,
};
const OTHER_NODE_L2: Limitation = {
  id: "pod-to-other-node",
  outcome: "no-route",
  why: "pods are on-link only with the pod subnet; they have no route to node addresses (10.x pods on a 172.x Docker network)",
};
const NO_BROADCAST: Limitation = {
  id: "no-broadcast",
  outcome: "timeout",
  why: "ipvlan L3 mode has no ARP, broadcast or multicast: every peer subnet needs a route",
};

const PLUGIN: Record<MultiplexVariant, { type: "macvlan" | "ipvlan"; mode: string }> = {
  macvlan: { type: "macvlan", mode: "bridge" },
  "ipvlan-l2": { type: "ipvlan", mode: "l2" },
  "ipvlan-l3": { type: "ipvlan", mode: "l3" },
};

function facts(variant: MultiplexVariant, title: string, shows: string, limitations: Limitation[]): BackendFacts {
  const l3 = variant === "ipvlan-l3";
  return {
    name: variant,
    family: "multiplex",
    title,
    shows,
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    datapath: {
      encapsulation: "none",
      podAttachment: variant,
      routeBlockPrefix: 24,
      podAddresses: "a /24 of the pod subnet per node, fixed in the plan by node name (host-local in each node's own conflist); the node's podCIDR is not used",
      overheadBytes: 0,
      crossNode: l3 ? "routes-via-node" : "shared-l2",
      peerRoute: l3 ? "<peer-subnet> via <peer-node> dev eth0" : "(none: pods share the L2 of eth0)",
    },
    limitations,
    prerequisites: {
      cniPlugins: [PLUGIN[variant].type, "host-local", "loopback", "portmap"],
      kernelModules: [PLUGIN[variant].type],
    },
  };
}

export const multiplexFacts: Record<MultiplexVariant, BackendFacts> = {
  macvlan: facts("macvlan", "macvlan (bridge mode)", "each pod a MAC of its own on the node's L2; no bridge, no NAT, no kube-proxy in the path", [
    OWN_NODE_L2,
    OTHER_NODE_L2,
    CLUSTER_IP,
    NODE_TO_OWN_PODS_L2,
  ]),
  "ipvlan-l2": facts("ipvlan-l2", "ipvlan, L2 mode", "pods share the node's MAC and switch on the node's L2", [
    OWN_NODE_L2,
    OTHER_NODE_L2,
    CLUSTER_IP,
    NODE_TO_OWN_PODS_L2,
  ]),
  "ipvlan-l3": facts("ipvlan-l3", "ipvlan, L3 mode", "the node routes for its pods: one /24 per node and a route per peer, no ARP", [
    OWN_NODE_L3,
    CLUSTER_IP,
    NODE_TO_OWN_PODS_L3,
    NO_BROADCAST,
  ]),
};

/**
 * Each node's host-local range, by node name: the i-th /24 of the pod subnet for the plan's i-th node.
 * Our own allocation, not the node's spec.podCIDR (which follows the order nodes register in, and kind
 * joins workers concurrently): nothing here reads the podCIDR, and the conflist and the ipvlan L3 peer
 * routes both look the range up by the node's name, so they always agree.
 */
export function hostLocalRanges(nodes: readonly PlannedNode[], podSubnet: string): Record<string, string> {
  const pods = mustParseCidr(podSubnet);
  return Object.fromEntries(nodes.map((n, i) => [n.name, formatCidr(subnet(pods, 24, i))]));
}

/**
 * One conflist per node. L2 modes: every pod is on-link in the whole pod subnet, each node allocating
 * from its own /24 so host-local (per-host state) never hands one address out twice. L3 mode: each node
 * owns its /24 and routes reach the rest of the pod subnet and the nodes.
 */
export function multiplexConflist(variant: MultiplexVariant, podRange: string, ctx: InstallContext): string {
  const range = mustParseCidr(podRange);
  const l3 = variant === "ipvlan-l3";
  const plugin = PLUGIN[variant];
  const ipam = {
    type: "host-local",
    ranges: [
      [
        {
          subnet: l3 ? podRange : ctx.podSubnet,
          rangeStart: host(range, 10),
          rangeEnd: host(range, 250),
          ...(l3 ? {} : { gateway: host(range, 1) }),
        },
      ],
    ],
    // L3 has no ARP, so routes via the interface reach the other nodes' pods and the nodes themselves.
    routes: l3 ? [{ dst: ctx.podSubnet }, { dst: ctx.nodeSubnet }] : [],
  };
  return JSON.stringify({
    cniVersion: "1.0.0",
    name: `cnilab-${variant}`,
    plugins: [
      { type: plugin.type, master: "eth0", mode: plugin.mode, ipam },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  });
}

/**
 * ipvlan L3: node A must route node B's pod range via B. Node addresses come from Docker at create time,
 * so each node resolves its peers' names through Docker's embedded DNS (kind nodes are containers named
 * after the node) and installs the routes.
 */
export function l3RoutesScript(podRanges: Readonly<Record<string, string>>): string {
  const lines = Object.entries(podRanges).map(
    ([name, range]) =>
      `[ "$NODE_NAME" = "${name}" ] || { ip=$(nslookup ${name} | awk '/^Address: /{a=$2} END{print a}'); ` +
      `[ -n "$ip" ] || { echo "cannot resolve ${name}"; exit 1; }; ip route replace ${range} via "$ip" dev eth0; }`,
  );
  return ["set -e", ...lines, "ip route"].join("\n");
}

export function installMultiplex(variant: MultiplexVariant, ctx: InstallContext): CniInstall {
  const podRanges = hostLocalRanges(ctx.nodes, ctx.podSubnet);
  const conflists = Object.fromEntries(Object.entries(podRanges).map(([name, range]) => [name, multiplexConflist(variant, range, ctx)]));
  return {
    objects: prerequisitesObjects({
      plugins: multiplexFacts[variant].prerequisites.cniPlugins,
      conflists,
      ...(variant === "ipvlan-l3" ? { nodeScript: l3RoutesScript(podRanges) } : {}),
    }),
    charts: [],
    podRanges,
    readiness: { daemonSets: [{ namespace: PREREQUISITES_NAMESPACE, name: PREREQUISITES_NAME }], tigeraStatus: [] },
  };
}
