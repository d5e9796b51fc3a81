/**
 * Facts of Docker's overlay driver, from moby v20.10.24 (the daemon here), vendored libnetwork
 * (vendor/github.com/docker/libnetwork/drivers/overlay/):
 * - ovmanager/ovmanager.go: swarm networks take VNIs from 4096 up (`vxlanIDStart = 4096`); the
 *   `ingress` network swarm mode makes first takes 4096, so the lab's network gets 4097 on a fresh
 *   swarm (measured: `docker network inspect` Options `com.docker.network.driver.overlay.vxlanid_list`);
 * - overlayutils/utils.go: VXLAN UDP port 4789 unless `docker swarm init --data-path-port` says otherwise;
 * - overlay.go `vxlanEncap = 50` and encryption.go maxMTU(): MTU = 1500 (or the network's
 *   com.docker.network.driver.mtu) − 50 = 1450, whatever the host's uplink MTU is;
 * - ov_network.go: per subnet a bridge `br0` holding the gateway address and a VXLAN device
 *   (created as `vx-<vni hex>-<id>`, `vxlan0` inside) live in the network's own namespace,
 *   /var/run/docker/netns/<epoch>-<first 10 characters of the network id> (osl.GenerateKey).
 * Each container is a veth port of that bridge; traffic between containers on one node is switched
 * by `br0` and never enters the VXLAN device: encapsulation happens only between nodes.
 */
import type { DriverFacts } from "./drivers";

/** Docker's VXLAN UDP port (overlayutils defaultVXLANUDPPort) and per-packet overhead (overlay.go vxlanEncap). */
export const OVERLAY_VXLAN = { port: 4789, overheadBytes: 50, firstVni: 4096, mtu: 1450 } as const;

export const OVERLAY_FACTS: DriverFacts = {
  docker: "overlay",
  linkType: "vxlan",
  modeOptions: {},
  short: "ov",
  swarm: true,
  // Not internal, a container would also get a leg on docker_gwbridge with the default route (NAT
  // off the machine); internal keeps the lab on the overlay alone.
  internal: true,
  parent: false,
  noParent: "the overlay driver needs no parent: each network is a bridge and a VXLAN device inside a network namespace of its own",
  subnetsPerNetwork: "many",
  gateway: "overlay-bridge",
  broadcast: true,
  summary:
    `A VXLAN overlay made by swarm mode: each network has a namespace of its own holding a bridge (br0, with the gateway address) and a VXLAN device (VNI from ${OVERLAY_VXLAN.firstVni} up, UDP ${OVERLAY_VXLAN.port}); containers are veth ports of br0 with MTU ${OVERLAY_VXLAN.mtu} (1500 − ${OVERLAY_VXLAN.overheadBytes} bytes of VXLAN). On one node br0 switches between containers; frames are encapsulated only towards other nodes.`,
  paths: {
    "same-subnet": { expect: ["connected"], why: "both containers are ports of the overlay's bridge br0 on this node, which switches between them (no encapsulation on one node)" },
    host: {
      skip: "the overlay's gateway address is on br0 inside the network's own namespace, not on the host, and an internal overlay has no way to the host: nothing to probe",
    },
  },
};
