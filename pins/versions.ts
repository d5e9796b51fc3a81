import { IMAGES } from "./images";

/** kind's default node image of kind v0.30.0 (Kubernetes v1.34.0), pinned by digest as kind's docs ask. */
export const KIND_NODE_IMAGE = IMAGES.kindNode;
/** The kind release that image was built for; older kind (≥ v0.27.0) parses our config too. */
export const KIND_VERSION = "v0.30.0";
export const KUBERNETES_VERSION = "1.34.0";

/**
 * The CNI plugins kind's node image ships in /opt/cni/bin, and their version: kind v0.30.0 builds
 * containernetworking/plugins at CNI_PLUGINS_VERSION v1.7.1 and copies only these four
 * (kubernetes-sigs/kind images/base/Dockerfile, tag v0.30.0). Every other plugin a backend needs is
 * copied in by our prerequisites DaemonSet, from IMAGES.cniPlugins (CNI plugins v1.9.1).
 */
export const KIND_NODE_CNI = { version: "v1.7.1", plugins: ["host-local", "loopback", "ptp", "portmap"] } as const;

/**
 * kind's default StorageClass: kind's node image carries /kind/manifests/default-storage.yaml, which
 * `kind create cluster` applies ("Installing StorageClass"; without the file it falls back to a
 * `kubernetes.io/host-path` class that nothing provisions). Read at kind v0.30.0:
 * pkg/build/nodeimage/const_storage.go (manifest and images; both images are preloaded into the node
 * image, so nothing is pulled) and pkg/cluster/internal/create/actions/installstorage/storage.go.
 */
export const KIND_STORAGE = {
  storageClass: "standard",
  provisioner: "rancher.io/local-path",
  /** A claim binds only once a pod using it is scheduled; the volume is made on that pod's node. */
  volumeBindingMode: "WaitForFirstConsumer",
  reclaimPolicy: "Delete",
  /** Each volume is a directory under this path on the node it was made on (local-path's nodePathMap). */
  nodePath: "/var/local-path-provisioner",
  provisionerImage: "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a",
  helperImage: "docker.io/kindest/local-path-helper:v20241212-8ac705d0",
} as const;

export const FLANNEL_CHART = {
  name: "flannel",
  repo: "https://flannel-io.github.io/flannel/",
  /** Chart and app v0.28.9 (flannel-io/flannel chart/kube-flannel/Chart.yaml, 2026-08). */
  version: "v0.28.9",
} as const;

export const CALICO_CHART = {
  name: "tigera-operator",
  repo: "https://docs.tigera.io/calico/charts",
  /** Calico v3.32.1 (2026-06-24), operator quay.io/tigera/operator:v1.42.3. */
  version: "v3.32.1",
} as const;

/**
 * The CRDs the tigera-operator chart needs, at the operator chart's version. From v3.32 the operator
 * chart ships none (projectcalico/calico charts/tigera-operator/README.md at v3.32.1: "As of Calico
 * v3.32, CRDs are no longer bundled in this chart and must be installed separately from the
 * `crd.projectcalico.org.v1` chart"); v3.31.x still had charts/tigera-operator/crds/. The release
 * tooling publishes this chart to the same repository at the same version
 * (release/internal/utils/utils.go AllReleaseCharts, Makefile target `chart`, at v3.32.1).
 */
export const CALICO_CRDS_CHART = {
  name: "crd.projectcalico.org.v1",
  repo: CALICO_CHART.repo,
  version: CALICO_CHART.version,
} as const;

/**
 * Canal (flannel networking, calico policy) as calico ships it: one manifest, generated from
 * charts/calico with charts/values/canal.yaml (manifests/generate.sh) and published in the repository
 * at the release tag. Calico has no supported Helm chart for it (charts/calico/README.md: "not a
 * supported helm chart") and the tigera-operator has no flannel mode, so this file is the upstream
 * install (docs.tigera.io "Install Calico for policy and flannel (aka Canal) for networking": download
 * manifests/canal.yaml at the tag, set the pod CIDR in it, apply). sha256 of the file at tag v3.32.1
 * (commit 0ca9d1b), computed from projectcalico/calico's git blob; raw.githubusercontent.com serves
 * that blob unchanged.
 */
export const CANAL_MANIFEST = {
  name: "canal",
  version: CALICO_CHART.version,
  url: `https://raw.githubusercontent.com/projectcalico/calico/${CALICO_CHART.version}/manifests/canal.yaml`,
  sha256: "aa58a7b245586a90d75d969b9184326f6218acea7e4951ce2931113cd8e91e39",
  bytes: 348_792,
} as const;
export type ManifestPin = { readonly name: string; readonly version: string; readonly url: string; readonly sha256: string; readonly bytes: number };
