/**
 * Every image cnilab runs, pinned by digest, named by what it is for. What each one provides
 * (entrypoint, shell, executables, user, manifest type) and where that was read is one row of
 * IMAGE_FACTS (pins/image-facts.ts). This folder imports nothing of ours: it is the leaf every
 * planner, the CLI and the workshops' image lists read from (`cnilab plan --images`).
 */
export const IMAGES = {
  /** kind v0.30.0's default node image (Kubernetes v1.34.0); stack config may override it (`cnilab:nodeImage`). */
  kindNode: "kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a",
  /** The CNI reference plugins v1.9.1 that the prerequisites DaemonSet copies onto every node. */
  cniPlugins:
    "docker.io/rancher/hardened-cni-plugins:v1.9.1-build20260608@sha256:7db40c944c284cfcf0caa6912d69492f2a62b0575ae75f8284a80252874760f5",
  /** Holds the prerequisites DaemonSet's pod open after its init containers ran. */
  pause: "registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a",
  /** Shell steps on the nodes (conflists, ipvlan L3 routes) and the Docker-only labs' servers. */
  busybox: "docker.io/library/busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0",
  /** kubectl matching the node image's minor version: the CNI readiness Job. */
  kubectl: "registry.k8s.io/kubectl:v1.34.1@sha256:59bafa07ff3a6d4b417e7633ddb9d79a9606ca98bf64bac080b3e65748669250",
  /** Kubernetes' e2e test server: the lab's echo workloads and the health suite's servers. */
  agnhost: "registry.k8s.io/e2e-test-images/agnhost:2.53@sha256:99c6b4bb4a1e1df3f0b3752168c89358794d02258ebebc26bf21c29399011a85",
  nginx: "docker.io/library/nginx:1.28.0@sha256:eaa7e36decc3421fc04478c586dfea0d931cebe47d5bc0b15d758a32ba51126f",
  /**
   * The Kubernetes examples' guestbook PHP frontend (kubernetes/examples guestbook/php-redis), in place
   * of seed 002's kubeguide/guestbook-php-frontend:latest. Pinned by digest alone: the public sources
   * that pin it do not name the tag it was pushed under.
   */
  guestbookFrontend: "gcr.io/google-samples/gb-frontend@sha256:a908df8486ff66f2c4daa0d3d8a2fa09846a1fc8efd65649c0109695c7c5cbff",
  /** Node 24 LTS on Alpine: runs the bundled probe and perf's cnilab-rr from a ConfigMap, no image of our own. */
  node: "docker.io/library/node:24.21.0-alpine@sha256:ebfe2f90462722a7a4de65e91990e97fe0d401c70e0e762c5b53302f905ec1c1",
  /** Cilium's performance image (iperf3 3.21, what `cilium connectivity perf` runs): perf's iperf3. */
  networkPerf:
    "quay.io/cilium/network-perf:3.21-1782913202-88c270c@sha256:c115a00b80bbf4ff49857dd545f0c40025f226d79051b2c8fdab3e8b938c7f92",
  /**
   * The distribution registry v3.0.0: a workshop host's pull-through caches (workshop/cache), on the
   * host's Docker, never in a kind lab.
   */
  registry: "docker.io/library/registry:3.0.0@sha256:6c5666b861f3505b116bb9aa9b25175e71210414bd010d92035ff64018f9457e",
} as const;
export type ImageKey = keyof typeof IMAGES;

/**
 * Images the lab workloads name by key (`image: agnhost` in a lab file). A full image reference is
 * also accepted there, for users who mirror images.
 */
export const WORKLOAD_IMAGES = {
  agnhost: IMAGES.agnhost,
  nginx: IMAGES.nginx,
  "guestbook-frontend": IMAGES.guestbookFrontend,
} as const;
export type WorkloadImage = keyof typeof WORKLOAD_IMAGES;

export function resolveImage(image: string): string {
  return image in WORKLOAD_IMAGES ? WORKLOAD_IMAGES[image as WorkloadImage] : image;
}

/**
 * The images a Docker-only lab runs (docker/plan.ts), from the pins above so a workshop mirrors one list.
 * Both are multi-purpose stock images: nothing is built for the lab.
 */
export const DOCKER_LAB_IMAGES = {
  /** busybox 1.37.0: `httpd` serves the probe targets, `sleep` holds the lab-made parent's wire. */
  busybox: IMAGES.busybox,
  /** The assertion containers run the bundled probe on the Node image the cluster assertion Jobs use. */
  probe: IMAGES.node,
} as const;

/** The images `cnilab perf` runs against a lab: iperf3, and cnilab-rr on the probe's Node image. */
export const PERF_IMAGES = [IMAGES.networkPerf, IMAGES.node] as const;
