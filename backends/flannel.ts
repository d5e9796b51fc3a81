import { FLANNEL_CHART } from "../pins";
import { UDP_DATAPATH, tunDevicePatch } from "./flannel-udp";
import type { CniInstall, InstallContext, K8sObject } from "./install";
import { PREREQUISITES_NAME, PREREQUISITES_NAMESPACE, prerequisitesObjects } from "./prerequisites";
import { FROM_NODE_PODCIDR, type BackendFacts, type DatapathFacts, type Enforcement, type NodePrerequisites } from "./types";

export type FlannelVariant = "flannel-vxlan" | "flannel-vxlan-directrouting" | "flannel-host-gw" | "flannel-udp";

/**
 * What the flannel chart v0.28.9 names: its DaemonSet (templates/daemonset.yaml) and the ConfigMap
 * holding net-conf.json (templates/config.yaml), in the namespace we install it to.
 */
export const FLANNEL_OBJECTS = { namespace: "kube-flannel", daemonSet: "kube-flannel-ds", configMap: "kube-flannel-cfg" } as const;
const NAMESPACE = FLANNEL_OBJECTS.namespace;

const ENFORCEMENT: Enforcement = {
  ingress: false,
  egress: false,
  ipBlock: false,
  why: "flannel only programs routes and overlays; it has no NetworkPolicy controller (Canal pairs it with calico's policy engine for that)",
};

/**
 * The flannel CNI plugin delegates to `bridge` (+ host-local, portmap, loopback); kind's image lacks
 * `bridge` (flannel#1847, kind#1340). flanneld checks /proc/sys/net/bridge/bridge-nf-call-iptables, so
 * the host needs br_netfilter (flannel#2068).
 */
const PREREQUISITES: NodePrerequisites = {
  cniPlugins: ["bridge", "host-local", "loopback", "portmap"],
  kernelModules: ["br_netfilter", "vxlan"],
};

const ON_ONE_L2 =
  "all kind nodes share one Docker bridge, so DirectRouting always finds the peer on the same subnet and " +
  "sends plain routed packets: on kind this behaves exactly like host-gw";

/** host-gw: pods on cni0, one route per peer node's /24 via that node. */
const HOST_GW_DATAPATH: DatapathFacts = {
  encapsulation: "none",
  podAttachment: "bridge",
  routeBlockPrefix: 24,
  podAddresses: FROM_NODE_PODCIDR,
  overheadBytes: 0,
  crossNode: "routes-via-node",
  peerRoute: "<peer-subnet> via <peer-node> dev eth0",
};

export const flannelFacts: Record<FlannelVariant, BackendFacts> = {
  "flannel-vxlan": {
    name: "flannel-vxlan",
    family: "flannel",
    title: "flannel, VXLAN backend",
    shows: "an overlay: flannel.1 (VNI 1, UDP 8472) wraps pod packets, 50 bytes per packet, pod MTU 1450",
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    datapath: {
      encapsulation: "vxlan",
      podAttachment: "bridge",
      routeBlockPrefix: 24,
      podAddresses: FROM_NODE_PODCIDR,
      overheadBytes: 50,
      crossNode: "overlay",
      device: "flannel.1",
      vxlan: { vni: 1, port: 8472 },
      peerRoute: "<peer-subnet> via <peer-subnet-network> dev flannel.1 onlink",
    },
    limitations: [],
    prerequisites: PREREQUISITES,
  },
  "flannel-vxlan-directrouting": {
    name: "flannel-vxlan-directrouting",
    family: "flannel",
    title: "flannel, VXLAN with DirectRouting",
    shows: "VXLAN only between subnets; peers on the same L2 get plain routes",
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    // flannel.1 still exists, but on one L2 every peer is reached by a plain route.
    datapath: { ...HOST_GW_DATAPATH, device: "flannel.1", vxlan: { vni: 1, port: 8472 }, onKind: ON_ONE_L2 },
    limitations: [],
    prerequisites: PREREQUISITES,
  },
  "flannel-host-gw": {
    name: "flannel-host-gw",
    family: "flannel",
    title: "flannel, host-gw backend",
    shows: "no overlay: one route per peer node's pod subnet via that node (needs a shared L2, which kind has)",
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    datapath: HOST_GW_DATAPATH,
    limitations: [],
    prerequisites: PREREQUISITES,
  },
  "flannel-udp": {
    name: "flannel-udp",
    family: "flannel",
    title: "flannel, UDP backend (user space)",
    shows: "flanneld in user space: flannel0 (TUN) to UDP 8285, 28 bytes per packet, pod MTU 1472; every packet crosses into flanneld and back",
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    datapath: UDP_DATAPATH,
    limitations: [],
    // No vxlan module; flanneld opens /dev/net/tun (the tun module), and only its amd64 build has the backend.
    prerequisites: { ...PREREQUISITES, kernelModules: ["br_netfilter", "tun"], architectures: ["amd64"] },
  },
};

/** flannel chart values for a variant (keys of chart kube-flannel v0.28.9 values.yaml). */
export function flannelValues(variant: FlannelVariant, podSubnet: string): Record<string, unknown> {
  const backend = variant === "flannel-host-gw" ? "host-gw" : variant === "flannel-udp" ? "udp" : "vxlan";
  return {
    // Must equal kind's podSubnet: flannel (--kube-subnet-mgr) uses each node's spec.podCIDR from it.
    podCidr: podSubnet,
    flannel: {
      backend,
      ...(variant === "flannel-vxlan-directrouting" ? { directRouting: true } : {}),
      // eth0 is the node's interface on the lab's Docker network; pin it in case extra networks are attached.
      args: ["--ip-masq", "--kube-subnet-mgr", "--iface=eth0"],
    },
  };
}

export function installFlannel(variant: FlannelVariant, ctx: InstallContext): CniInstall {
  const namespace: K8sObject = {
    apiVersion: "v1",
    kind: "Namespace",
    // flannel's pods are privileged (NET_ADMIN, host network); Pod Security must allow that here.
    metadata: { name: NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
  };
  return {
    objects: [namespace, ...prerequisitesObjects({ plugins: PREREQUISITES.cniPlugins })],
    charts: [
      {
        releaseName: "flannel",
        namespace: NAMESPACE,
        chart: FLANNEL_CHART.name,
        version: FLANNEL_CHART.version,
        repo: FLANNEL_CHART.repo,
        values: flannelValues(variant, ctx.podSubnet),
        wait: false,
      },
    ],
    ...(variant === "flannel-udp" ? { patches: [tunDevicePatch(NAMESPACE, FLANNEL_OBJECTS.daemonSet)] } : {}),
    readiness: {
      daemonSets: [
        { namespace: PREREQUISITES_NAMESPACE, name: PREREQUISITES_NAME },
        { namespace: NAMESPACE, name: FLANNEL_OBJECTS.daemonSet },
      ],
      tigeraStatus: [],
    },
  };
}
