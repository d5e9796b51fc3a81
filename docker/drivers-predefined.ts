/**
 * Facts of Docker's two predefined networks, `host` and `none` (one of each exists on every daemon,
 * named after its driver: moby v20.10.24 vendor/github.com/docker/libnetwork/drivers/host/host.go
 * allows "only one instance", drivers/null/null.go sets up nothing). A lab container that names no
 * `network` runs on the driver's predefined network; the lab's own networks stay plain bridges.
 * Measured on Docker 20.10.24 here (test/docker/modes.real.test.ts).
 */
import type { DriverFacts } from "./drivers";

/** Why a probe from a container with loopback only fails, whatever its target. */
const NO_INTERFACE_WHY =
  "a container on Docker's none network has only its loopback `lo`: no other interface and no route, so a connect to any address outside 127.0.0.0/8 fails at once with ENETUNREACH (Network is unreachable)";

export const HOST_FACTS: DriverFacts = {
  docker: "bridge",
  predefined: "host",
  linkType: "none",
  modeOptions: {},
  short: "host",
  swarm: false,
  internal: false,
  parent: false,
  noParent: "the host driver needs no parent: its containers have no link of their own, they use the host's interfaces",
  subnetsPerNetwork: "one",
  gateway: "host",
  broadcast: true,
  summary:
    "No network of its own: a container on Docker's host network runs in the host's network namespace, with the host's interfaces, addresses, routes and ports; no veth, no NAT, no isolation from the host or from each other.",
  paths: {
    "shared-namespace": {
      expect: ["connected"],
      why: "client and server both run in the host's network namespace, so the server's socket on 127.0.0.1 is on the client's own loopback: nothing isolates them",
    },
    host: {
      expect: ["connected", "refused"],
      why: "the client runs in the host's namespace, so 127.0.0.1 is the host's own loopback: connected if something listens there, refused (RST) if nothing does",
    },
  },
  portClash: {
    expect: "in-use",
    why: "every container on the host network binds in the one host namespace, so binding an address and port that an earlier server holds fails with EADDRINUSE (busybox httpd: 'bind: Address already in use', exit 1)",
  },
};

export const NONE_FACTS: DriverFacts = {
  docker: "bridge",
  predefined: "none",
  linkType: "none",
  modeOptions: {},
  short: "none",
  swarm: false,
  internal: false,
  parent: false,
  noParent: "the none driver needs no parent: its containers have no link but loopback; the servers' network is a Linux bridge on the host",
  subnetsPerNetwork: "one",
  gateway: "host",
  broadcast: true,
  summary:
    "A container on Docker's none network gets a network namespace with loopback only: no veth, no address but 127.0.0.1, no route. The lab's servers sit on a plain bridge network, where a client on that network reaches them.",
  paths: {
    "same-subnet": { expect: ["connected"], why: "a client on the servers' own bridge network reaches them: the targets are up, so a failure from a none client is the none network's doing" },
    "no-interface": { expect: ["no-route"], why: NO_INTERFACE_WHY },
  },
};
