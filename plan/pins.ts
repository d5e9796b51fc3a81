/**
 * Every external thing the labs run, pinned in one place, with the reason. Stack config can
 * override the node image (`cnilab:nodeImage`); workshops mirror or preload exactly this list
 * (`cnilab plan --images`).
 */

/** kind's default node image of kind v0.30.0 (Kubernetes v1.34.0), pinned by digest as kind's docs ask. */
export const KIND_NODE_IMAGE =
  "kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a";
/** The kind release that image was built for; older kind (≥ v0.27.0) parses our config too. */
export const KIND_VERSION = "v0.30.0";
export const KUBERNETES_VERSION = "1.34.0";

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

export const IMAGES = {
  /**
   * The upstream CNI reference plugins v1.9.1 (bridge, macvlan, ipvlan, …) in /opt/cni/bin, the
   * same version kind's node image ships; copied onto every node by our prerequisites DaemonSet.
   */
  cniPlugins:
    "docker.io/rancher/hardened-cni-plugins:v1.9.1-build20260608@sha256:7db40c944c284cfcf0caa6912d69492f2a62b0575ae75f8284a80252874760f5",
  /** Holds the prerequisites DaemonSet's pod open after its init containers ran. */
  pause: "registry.k8s.io/pause:3.10",
  /** busybox `ip` and `nslookup` for the ipvlan L3 peer routes. */
  busybox: "docker.io/library/busybox:1.37.0",
  /** kubectl matching the node image's minor version, for the readiness Job. */
  kubectl:
    "registry.k8s.io/kubectl:v1.34.1@sha256:59bafa07ff3a6d4b417e7633ddb9d79a9606ca98bf64bac080b3e65748669250",
} as const;

/**
 * Images the lab workloads name by key (`image: agnhost` in a lab file). A full image reference is
 * also accepted there, for users who mirror images.
 */
export const WORKLOAD_IMAGES = {
  /**
   * Kubernetes' e2e test server (agnhost 2.53): `netexec --http-port=P --udp-port=Q` serves HTTP and
   * answers the UDP datagram "hostname" with the pod's hostname (what the probe sends). The digest is the
   * one kubernetes-sigs/kueue's e2e script pins for this tag (found with the code index).
   */
  agnhost: "registry.k8s.io/e2e-test-images/agnhost:2.53@sha256:99c6b4bb4a1e1df3f0b3752168c89358794d02258ebebc26bf21c29399011a85",
  nginx: "docker.io/library/nginx:1.28.0",
  /**
   * The guestbook PHP frontend of seed 002. Its publisher only tags `latest` (and `localredis`), so
   * this is the one unpinnable image; workshops preload it with the rest (`cnilab plan --images`).
   */
  "guestbook-frontend": "docker.io/kubeguide/guestbook-php-frontend:latest",
} as const;
export type WorkloadImage = keyof typeof WORKLOAD_IMAGES;

export function resolveImage(image: string): string {
  return image in WORKLOAD_IMAGES ? WORKLOAD_IMAGES[image as WorkloadImage] : image;
}

