/**
 * What a backend is, as data. Every backend module answers the same questions: what kind must be
 * told, how the CNI is installed, what the nodes need first, what NetworkPolicy it enforces, what
 * its datapath looks like and what it cannot do. Nothing here imports Pulumi.
 */

/**
 * The kernel features a backend (or a datapath lab) may need: the closed set host/kernel.ts knows how
 * to detect. Named here, beside what asks for them, so the planners never import the machine layer.
 */
export const KERNEL_FEATURES = ["veth", "bridge", "vxlan", "macvlan", "ipvlan", "ipip", "tun", "br_netfilter"] as const;
export type KernelFeature = (typeof KERNEL_FEATURES)[number];

export const BACKENDS = [
  "kindnet",
  "flannel-vxlan",
  "flannel-vxlan-directrouting",
  "flannel-host-gw",
  "flannel-udp",
  "calico-ipip",
  "calico-vxlan",
  "calico-bgp",
  "canal",
  "macvlan",
  "ipvlan-l2",
  "ipvlan-l3",
] as const;
export type Backend = (typeof BACKENDS)[number];

export const KUBE_PROXY_MODES = ["iptables", "ipvs", "nftables"] as const;
export type KubeProxyMode = (typeof KUBE_PROXY_MODES)[number];

/** Which NetworkPolicy features the backend's dataplane enforces. */
export interface Enforcement {
  ingress: boolean;
  egress: boolean;
  ipBlock: boolean;
  /** Why, in one sentence a learner can read next to an unexpected "allowed". */
  why: string;
}

/** udp: the whole IP packet as the payload of a UDP datagram, written by a program in user space (flanneld). */
export type Encapsulation = "none" | "vxlan" | "ipip" | "udp";

/** How a packet from a pod on node A reaches a pod on node B. */
export type CrossNodePath =
  /** Node-to-node plain IP routes: "10.244.2.0/24 via <node B>" (host-gw, BGP). */
  | "routes-via-node"
  /** An overlay device encapsulates the packet to the peer node's underlay address. */
  | "overlay"
  /** The pod's interface sits on the node's uplink; frames leave on the shared L2 directly. */
  | "shared-l2";

/** How a pod's interface attaches to its node (what the CNI plugin creates per pod). */
export type PodAttachment =
  /** veth into a node bridge (cni0) holding the pod gateway address: the bridge plugin (flannel). */
  | "bridge"
  /** veth per pod, a /32 host route per pod, the gateway address on each host-side veth: the ptp plugin (kindnet). */
  | "ptp"
  /** veth per pod (cali*), a /32 host route per pod, proxy ARP answering for the pod's gateway 169.254.1.1 (calico). */
  | "proxy-arp"
  /** a macvlan sub-interface (bridge mode) of the node's uplink. */
  | "macvlan"
  /** an ipvlan sub-interface (L2 mode) of the node's uplink. */
  | "ipvlan-l2"
  /** an ipvlan sub-interface (L3 mode) of the node's uplink: the node routes, no ARP. */
  | "ipvlan-l3";

export interface DatapathFacts {
  encapsulation: Encapsulation;
  podAttachment: PodAttachment;
  /** Prefix length of the per-node blocks that routes to peer nodes cover (node podCIDR /24; calico IPAM blocks /26). */
  routeBlockPrefix: number;
  /** Where a node's pod addresses come from, in one sentence (which range, who decides it, when). */
  podAddresses: string;
  /** Bytes the encapsulation adds to every packet (IPv4 outer headers). */
  overheadBytes: number;
  crossNode: CrossNodePath;
  /** Name of the overlay device on a node (flannel.1, tunl0, vxlan.calico, flannel0), when there is one. */
  device?: string;
  vxlan?: { vni: number; port: number };
  /** A TUN device whose packets a user-space program carries in UDP datagrams to this port of the peer node. */
  udp?: { port: number };
  /** What `ip route` on a node shows for a peer node's pod subnet; `<peer-subnet>`, `<peer-node>` are placeholders. */
  peerRoute: string;
  /**
   * What the learner should know about this mode on kind: all kind nodes share one Docker bridge,
   * so modes that only encapsulate across subnets do not encapsulate here.
   */
  onKind?: string;
}

/**
 * Backends that address pods from the node's spec.podCIDR: kube-controller-manager hands the /24s out
 * as nodes register, and kind joins workers concurrently (kind v0.30.0 pkg/cluster/internal/create/
 * actions/kubeadmjoin/join.go, joinWorkers), so no plan can say which worker gets which.
 */
export const FROM_NODE_PODCIDR =
  "each node's spec.podCIDR, a /24 of the pod subnet that kube-controller-manager assigns as the node registers; kind joins workers concurrently, so which worker gets which /24 is known only once the cluster runs";

/** A connection the backend cannot make, by design; assertions expect these to fail. */
export const LIMITATIONS = [
  "pod-to-own-node",
  "pod-to-other-node",
  "pod-to-clusterip",
  /** Traffic from a node's own namespace (kubelet, kube-proxy's DNAT, hostPort, hostNetwork pods) to its pods. */
  "node-to-own-pods",
  "no-broadcast",
] as const;
export type LimitationId = (typeof LIMITATIONS)[number];

export interface Limitation {
  id: LimitationId;
  /** The networking reason, shown beside the expected failure. */
  why: string;
  /**
   * The exact failure a probe sees (probe outcome names): "no-route" when the pod has no route at all,
   * "timeout" when packets leave and nothing comes back. A DNS lookup through a ClusterIP that the
   * pod cannot reach fails as "dns-error".
   */
  outcome: "no-route" | "timeout";
}

export const CNI_PLUGINS = [
  "bridge",
  "host-local",
  "loopback",
  "portmap",
  "ptp",
  "macvlan",
  "ipvlan",
  "flannel",
  "static",
  "tuning",
] as const;
export type CniPlugin = (typeof CNI_PLUGINS)[number];

/** What must exist on every node before the CNI can work. */
export interface NodePrerequisites {
  /** CNI plugin binaries the backend calls, beyond what it installs itself. */
  cniPlugins: readonly CniPlugin[];
  /** Kernel modules on the host (kind nodes share the host kernel). */
  kernelModules: readonly KernelFeature[];
  /** Node architectures the backend's agent supports, when not every one (flanneld's udp backend: amd64 only). */
  architectures?: readonly ("amd64" | "arm64")[];
}

/** canal: flannel's datapath under calico's policy agent, its own family (neither flannel's chart nor calico's operator). */
export type BackendFamily = "kindnet" | "flannel" | "calico" | "canal" | "multiplex";

export interface BackendFacts {
  name: Backend;
  family: BackendFamily;
  title: string;
  /** One line: what this stack shows a learner. */
  shows: string;
  /** kind's own CNI stays on only for kindnet. */
  disableDefaultCNI: boolean;
  enforcement: Enforcement;
  datapath: DatapathFacts;
  limitations: readonly Limitation[];
  prerequisites: NodePrerequisites;
}
