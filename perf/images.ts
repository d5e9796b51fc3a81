/**
 * Images the in-cluster measurement runs, pinned with the version each fact belongs to. Workshops
 * preload these with the lab's own list (plan/pins.ts).
 */
import { PROBE_NODE_IMAGE } from "../probe/image";

/**
 * Cilium's performance image, iperf3 3.21 (the tag's first part is the IPERF_VERSION its Dockerfile
 * builds, cilium/image-tools images/network-perf/version.sh) plus netperf; the tag and digest are the
 * ones cilium-cli pins as ConnectivityPerformanceImage (defaults, 2026). It is what `cilium
 * connectivity perf` runs, so it is kept public and multi-arch; we use its iperf3 and `sh` only.
 */
export const IPERF_IMAGE =
  "quay.io/cilium/network-perf:3.21-1782913202-88c270c@sha256:c115a00b80bbf4ff49857dd545f0c40025f226d79051b2c8fdab3e8b938c7f92";

/**
 * Request/response and connection rate run our own cnilab-rr (perf/rr/main.ts) from a ConfigMap in
 * the probe's Node image: no image to build, one image fewer to pull, and the same Node on every path.
 */
export const RR_IMAGE = PROBE_NODE_IMAGE;

export const PERF_IMAGES = [IPERF_IMAGE, RR_IMAGE] as const;
