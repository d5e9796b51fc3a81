/**
 * flannel's udp backend, as data: what flanneld does on a node and what the chart's flanneld lacks for
 * it. Every fact was read at flannel-io/flannel v0.28.9 (our chart and image pin).
 *
 * - pkg/backend/udp/udp_amd64.go: `defaultPort = 8285`; the lease's subnet, with the whole network's
 *   prefix, is the tunnel network.
 * - pkg/backend/udp/udp_network_amd64.go: flanneld opens /dev/net/tun and makes `flannel%d` (flannel0,
 *   pkg/ip/tun.go: IFF_TUN | IFF_NO_PI, no packet-information header), puts the lease's first address
 *   on it as a /32, sets MTU = the external interface's MTU − `encapOverhead = 28` (IP 20 + UDP 8),
 *   and adds ONE route: the whole pod network via flannel0. It listens on UDP <node address>:8285.
 * - pkg/backend/udp/proxy_amd64.c: a C loop (cgo) reads each IP packet from the TUN device, finds the
 *   peer node by its own table of node subnets (filled from leases, not from kernel routes), decrements
 *   the TTL and sends the bare packet as one UDP datagram to <peer node>:8285; datagrams received are
 *   written back to the TUN device (TTL decremented again). A destination no peer owns is answered
 *   with ICMP net unreachable. Every packet crosses into user space twice per direction (TUN read,
 *   socket send; socket receive, TUN write).
 * - pkg/backend/udp/udp.go: on every architecture but amd64 the backend answers "UDP backend is not
 *   supported on this architecture"; the Makefile enables cgo (and so the udp backend) only for
 *   ARCH=amd64. Documentation/backends.md: "Use UDP only for debugging if your network and kernel
 *   prevent you from using VXLAN or host-gw."
 */
import type { K8sObject } from "./install";
import type { DatapathFacts } from "./types";
import { FROM_NODE_PODCIDR } from "./types";

/** pkg/backend/udp/udp_amd64.go defaultPort; the chart's `flannel.backendPort` (0 = default) changes it. */
export const FLANNEL_UDP_PORT = 8285;
/** The TUN device flanneld makes: ip.OpenTun("flannel%d") in a node where no other flannel%d exists. */
export const FLANNEL_TUN_DEVICE = "flannel0";

export const UDP_DATAPATH: DatapathFacts = {
  encapsulation: "udp",
  podAttachment: "bridge",
  routeBlockPrefix: 24,
  podAddresses: FROM_NODE_PODCIDR,
  overheadBytes: 28,
  crossNode: "overlay",
  device: FLANNEL_TUN_DEVICE,
  udp: { port: FLANNEL_UDP_PORT },
  // configureIface: one route for the whole pod network; the node's own /24 on cni0 is more specific.
  peerRoute: `<pod-network> dev ${FLANNEL_TUN_DEVICE}`,
};

const TUN_VOLUME = "dev-net-tun";
/** The chart's flanneld container (chart/kube-flannel/templates/daemonset.yaml at v0.28.9). */
const FLANNELD_CONTAINER = "kube-flannel";

/**
 * The chart's flanneld cannot open /dev/net/tun: templates/daemonset.yaml (v0.28.9) runs it with
 * `privileged: false` and capabilities NET_ADMIN, NET_RAW, and mounts no /dev/net/tun, and no value
 * changes either. A non-privileged container's /dev holds the runtime's default device nodes (null,
 * zero, full, tty, random, urandom) and those its spec lists, none here, so flanneld fails with
 * "failed to open TUN device: open /dev/net/tun: no such file or directory" (flannel-io/flannel#1267,
 * reported on flannel v0.11.0; its users set privileged: true).
 *
 * Less than privileged is enough: the node's /dev/net/tun as a hostPath CharDevice. The device cgroup
 * must then allow c 10:200, which runc appends to every container's rules (libcontainer/specconv
 * CreateCgroupConfig, "append the default allowed devices"); runc 1.2.0–1.2.3 had dropped tun/tap from
 * that list and 1.2.4 put it back (opencontainers/runc#4555, #4556); kind v0.30.0's node image builds
 * runc v1.3.0 (images/base/Dockerfile RUNC_VERSION). TUNSETIFF then needs CAP_NET_ADMIN, which the
 * chart grants. kind's nodes are privileged containers, so the node has /dev/net/tun when the host does.
 *
 * Applied as a server-side patch of the chart's DaemonSet after the release (the new pod template
 * rolls flanneld's pods once).
 */
export function tunDevicePatch(namespace: string, daemonSet: string): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: daemonSet, namespace },
    spec: {
      template: {
        spec: {
          containers: [{ name: FLANNELD_CONTAINER, volumeMounts: [{ name: TUN_VOLUME, mountPath: "/dev/net/tun" }] }],
          volumes: [{ name: TUN_VOLUME, hostPath: { path: "/dev/net/tun", type: "CharDevice" } }],
        },
      },
    },
  };
}
