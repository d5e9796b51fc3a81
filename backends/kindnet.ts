import type { CniInstall } from "./install";
import { FROM_NODE_PODCIDR, type BackendFacts } from "./types";

/** kind's own CNI: ptp veths, a route per peer node, masquerade; the baseline every lab compares with. */
export const kindnet: BackendFacts = {
  name: "kindnet",
  family: "kindnet",
  title: "kindnet (kind's default CNI)",
  shows: "the baseline: ptp veth per pod, one plain route per peer node, NetworkPolicy via kube-network-policies",
  disableDefaultCNI: false,
  enforcement: {
    ingress: true,
    egress: true,
    ipBlock: true,
    // kind v0.24.0 added sigs.k8s.io/kube-network-policies to kindnetd (kind#842); new pods can see a
    // short delay before policy applies (kube-network-policies#171), which the assertion retries cover.
    why: "kindnetd enforces NetworkPolicy with kube-network-policies since kind v0.24.0",
  },
  datapath: {
    encapsulation: "none",
    // kindnetd's CNI config uses the ptp plugin with one /24 podCIDR per node (kind v0.27).
    podAttachment: "ptp",
    routeBlockPrefix: 24,
    podAddresses: FROM_NODE_PODCIDR,
    overheadBytes: 0,
    crossNode: "routes-via-node",
    peerRoute: "<peer-subnet> via <peer-node> dev eth0",
  },
  limitations: [],
  prerequisites: { cniPlugins: [], kernelModules: [] },
};

export function installKindnet(): CniInstall {
  // Nothing to install: kind applies kindnetd itself; readiness is the nodes becoming Ready.
  return { objects: [], charts: [], readiness: { daemonSets: [{ namespace: "kube-system", name: "kindnet" }], tigeraStatus: [] } };
}
