/**
 * Canal: flannel carries pod traffic over its VXLAN overlay, calico's Felix enforces NetworkPolicy.
 * Installed as calico publishes it, manifests/canal.yaml at the pinned calico tag (pins/versions.ts
 * CANAL_MANIFEST; what it holds: pins/manifest-facts.ts), with three keys of its ConfigMap set.
 */
import { CANAL_MANIFEST, CANAL_MANIFEST_FACTS, manifestImageRef } from "../pins";
import { flannelFacts } from "./flannel";
import type { CniInstall, InstallContext } from "./install";
import { KIND_UNDERLAY_MTU, podMtu } from "./mtu";
import type { BackendFacts } from "./types";

export const canal: BackendFacts = {
  name: "canal",
  family: "canal",
  title: "canal (flannel VXLAN, calico policy)",
  shows: "flannel's overlay (flannel.1, VNI 1, UDP 8472, pod MTU 1450) with calico's Felix enforcing NetworkPolicy",
  disableDefaultCNI: true,
  enforcement: {
    ingress: true,
    egress: true,
    ipBlock: true,
    // The canal DaemonSet runs calico-node (Felix, CALICO_NETWORKING_BACKEND none: no BGP, no routes)
    // beside flanneld, and its CNI config names calico's plugin with `"policy": {"type": "k8s"}`.
    why: "calico's Felix, in the calico-node container beside flanneld, programs every NetworkPolicy into iptables on each node; flannel only carries the packets",
  },
  datapath: {
    // flanneld v0.24.4 (the manifest's image): vxlan backend, defaultVNI 1, port 0 = the kernel's 8472,
    // device flannel.<VNI>, MTU = external interface − encapOverhead 50 (flannel-io/flannel
    // pkg/backend/vxlan/vxlan.go, vxlan_network.go at v0.24.4), as in flannel-vxlan.
    ...flannelFacts["flannel-vxlan"].datapath,
    // But the pod's veth is made by calico's CNI plugin, not flannel's bridge: the CNI config is
    // `"type": "calico"` with host-local IPAM from the node's podCIDR (canal-config cni_network_config),
    // so each pod gets a cali* veth and a /32 route on its node, and no cni0 bridge exists.
    podAttachment: "proxy-arp",
  },
  limitations: [],
  // calico/cni's install-cni copies calico, calico-ipam, host-local, portmap, loopback and tuning
  // (cni-plugin/Makefile CN_FILES at v3.32.1); flanneld v0.24.4 does not check br_netfilter.
  prerequisites: { cniPlugins: [], kernelModules: ["vxlan"] },
};

/**
 * The keys of canal-config set over the file's values:
 * - net-conf.json's Network: the cluster's pod CIDR, as calico's install page says to do when it is not
 *   10.244.0.0/16; flanneld (--kube-subnet-mgr) routes each node's spec.podCIDR out of it.
 * - canal_iface eth0: the node's interface on the lab's Docker network, as flannel-vxlan pins it, in
 *   case extra networks are attached (empty picks the default route's interface).
 * - veth_mtu: flannel.1's MTU. At 0 calico's CNI plugin takes the MTU Felix writes to
 *   /var/lib/calico/mtu, which with no calico encapsulation enabled is the host interface's
 *   (felix/dataplane/linux/int_dataplane.go determinePodMTU at v3.32.1): 1500 over a 1450 overlay,
 *   the mismatch rancher/rancher#13984 reports. Set, pods get flannel-vxlan's MTU.
 */
export function canalSettings(podSubnet: string): Record<string, string> {
  return {
    "net-conf.json": `${JSON.stringify({ Network: podSubnet, Backend: { Type: "vxlan" } }, null, 2)}\n`,
    canal_iface: "eth0",
    veth_mtu: String(podMtu(canal.datapath, KIND_UNDERLAY_MTU)),
  };
}

export function installCanal(ctx: InstallContext): CniInstall {
  const facts = CANAL_MANIFEST_FACTS;
  return {
    objects: [],
    manifests: [
      {
        pin: CANAL_MANIFEST,
        settings: canalSettings(ctx.podSubnet),
        images: Object.fromEntries(facts.images.map((i) => [i.ref, manifestImageRef(i)])),
      },
    ],
    charts: [],
    // calico-node's readinessProbe (Felix ready on :9099) gates the DaemonSet's rollout; flanneld has
    // no probe. calico-kube-controllers only garbage-collects and is not on the policy path.
    readiness: { daemonSets: [{ namespace: facts.agent.namespace, name: facts.agent.name }], tigeraStatus: [] },
  };
}
