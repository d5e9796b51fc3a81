import { CALICO_CHART, CALICO_CRDS_CHART } from "../pins";
import type { CniInstall, InstallContext } from "./install";
import type { BackendFacts, Enforcement, NodePrerequisites } from "./types";

export type CalicoVariant = "calico-ipip" | "calico-vxlan" | "calico-bgp";

const ENFORCEMENT: Enforcement = {
  ingress: true,
  egress: true,
  ipBlock: true,
  why: "calico's Felix programs every NetworkPolicy into iptables on each node",
};

/** The operator installs calico and calico-ipam itself; portmap, host-local and loopback are in kind's image. */
const PREREQUISITES: NodePrerequisites = { cniPlugins: [], kernelModules: [] };

/**
 * Installation.spec.calicoNetwork per variant (operator.tigera.io/v1, tigera/operator v1.42.3).
 * The operator refuses IPIP and None without BGP (pkg/controller/installation/validation.go: they rely on
 * BIRD to distribute routes); VXLAN carries its own routes, so BGP stays off.
 */
const NETWORK: Record<CalicoVariant, { encapsulation: "IPIP" | "VXLAN" | "None"; bgp: "Enabled" | "Disabled" }> = {
  "calico-ipip": { encapsulation: "IPIP", bgp: "Enabled" },
  "calico-vxlan": { encapsulation: "VXLAN", bgp: "Disabled" },
  "calico-bgp": { encapsulation: "None", bgp: "Enabled" },
};

/** IPAM block size of the pool; each node routes its peers' blocks of this size. */
const BLOCK_SIZE = 26;
/** Calico IPAM (cni.ipam.type Calico, the chart's default) ignores the node's podCIDR. */
const POD_ADDRESSES = `/${BLOCK_SIZE} blocks of the IP pool, each claimed by a node when it first needs addresses (calico IPAM); the node's podCIDR is not used`;

export const calicoFacts: Record<CalicoVariant, BackendFacts> = {
  "calico-ipip": {
    name: "calico-ipip",
    family: "calico",
    title: "calico, IP-in-IP",
    shows: "IP-in-IP tunnel tunl0 (20 bytes per packet) with routes learned over BGP, and enforced NetworkPolicy",
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    datapath: {
      encapsulation: "ipip",
      podAttachment: "proxy-arp",
      routeBlockPrefix: BLOCK_SIZE,
      podAddresses: POD_ADDRESSES,
      overheadBytes: 20,
      crossNode: "overlay",
      device: "tunl0",
      peerRoute: "<peer-block> via <peer-node> dev tunl0 proto bird onlink",
    },
    limitations: [],
    prerequisites: { ...PREREQUISITES, kernelModules: ["ipip"] },
  },
  "calico-vxlan": {
    name: "calico-vxlan",
    family: "calico",
    title: "calico, VXLAN",
    shows: "VXLAN device vxlan.calico (VNI 4096, UDP 4789, 50 bytes per packet), no BGP, enforced NetworkPolicy",
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    datapath: {
      encapsulation: "vxlan",
      podAttachment: "proxy-arp",
      routeBlockPrefix: BLOCK_SIZE,
      podAddresses: POD_ADDRESSES,
      overheadBytes: 50,
      crossNode: "overlay",
      device: "vxlan.calico",
      vxlan: { vni: 4096, port: 4789 },
      // Felix (no BIRD in VXLAN mode) tags its routes with protocol 80 (libcalico-go#1116, felix#2696).
      peerRoute: "<peer-block> via <peer-vtep> dev vxlan.calico proto 80 onlink",
    },
    limitations: [],
    prerequisites: { ...PREREQUISITES, kernelModules: ["vxlan"] },
  },
  "calico-bgp": {
    name: "calico-bgp",
    family: "calico",
    title: "calico, no encapsulation (BGP)",
    shows: "plain routes to each node's /26 blocks, learned over BGP (BIRD, TCP 179) across the shared L2",
    disableDefaultCNI: true,
    enforcement: ENFORCEMENT,
    datapath: {
      encapsulation: "none",
      podAttachment: "proxy-arp",
      routeBlockPrefix: BLOCK_SIZE,
      podAddresses: POD_ADDRESSES,
      overheadBytes: 0,
      crossNode: "routes-via-node",
      peerRoute: "<peer-block> via <peer-node> dev eth0 proto bird",
      onKind: "works because every kind node is on one L2 segment; across routed subnets it would need BGP peering with the router",
    },
    limitations: [],
    prerequisites: PREREQUISITES,
  },
};

/** tigera-operator chart values (chart v3.32.1 values.yaml keys; `installation` becomes the Installation spec). */
export function calicoValues(variant: CalicoVariant, podSubnet: string): Record<string, unknown> {
  const net = NETWORK[variant];
  return {
    installation: {
      enabled: true,
      cni: { type: "Calico" },
      calicoNetwork: {
        bgp: net.bgp,
        linuxDataplane: "Iptables",
        // firstFound can pick a wrong interface once extra Docker networks are attached; kubelet's
        // node IP (set by kind) is always the lab network address.
        nodeAddressAutodetectionV4: { kubernetes: "NodeInternalIP" },
        ipPools: [
          {
            // The pool must lie inside kind's podSubnet; we use the whole subnet.
            cidr: podSubnet,
            encapsulation: net.encapsulation,
            natOutgoing: "Enabled",
            nodeSelector: "all()",
            blockSize: BLOCK_SIZE,
          },
        ],
      },
      // One replica of typha/kube-controllers is plenty for a 3-node lab (as calico's own kind CI does).
      controlPlaneReplicas: 1,
    },
    // Slim for laptops: the API server, Goldmane and Whisker are not used by the labs.
    apiServer: { enabled: false },
    goldmane: { enabled: false },
    whisker: { enabled: false },
  };
}

export function installCalico(variant: CalicoVariant, ctx: InstallContext): CniInstall {
  return {
    objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "tigera-operator" } }],
    charts: [
      {
        // The operator chart renders an Installation but ships no CRDs from v3.32 (pins/versions.ts): they
        // come first, and Helm waits until they are Established so the next release can map its kinds.
        releaseName: "calico-crds",
        namespace: "tigera-operator",
        chart: CALICO_CRDS_CHART.name,
        version: CALICO_CRDS_CHART.version,
        repo: CALICO_CRDS_CHART.repo,
        values: {},
        wait: true,
      },
      {
        releaseName: "calico",
        namespace: "tigera-operator",
        chart: CALICO_CHART.name,
        version: CALICO_CHART.version,
        repo: CALICO_CHART.repo,
        values: calicoValues(variant, ctx.podSubnet),
        wait: false,
      },
    ],
    // calico-node is created by the operator, not by Helm, so nothing awaits it unless we wait on
    // tigerastatus/calico becoming Available.
    readiness: { daemonSets: [], tigeraStatus: ["calico"] },
  };
}
