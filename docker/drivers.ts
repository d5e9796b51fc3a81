import type { ProbeOutcome } from "../probe/types";
import { OVERLAY_FACTS } from "./drivers-overlay";
import { HOST_FACTS, NONE_FACTS } from "./drivers-predefined";

/**
 * The Docker network drivers a Docker-only lab compares, and what each one is known to do, as data.
 * The expected result of every probe comes from this table (docker/probes.ts), never from the run.
 *
 * Sources (checked 2026): docker/docs content/manuals/engine/network/drivers/{bridge,macvlan,ipvlan}.md;
 * the kernel's Documentation/networking/ipvlan.rst; libnetwork's bridge driver ("bridge driver doesn't
 * support multiple subnets", seen on Docker 20.10.24 here). host, none and overlay: moby v20.10.24
 * (the daemon here), cited where each fact is stated (docker/drivers-shared.ts, docker/drivers-overlay.ts).
 */
export const DOCKER_DRIVERS = ["bridge", "macvlan", "ipvlan-l2", "ipvlan-l3", "overlay", "host", "none"] as const;
export type DockerDriver = (typeof DOCKER_DRIVERS)[number];

/**
 * How a probe's client and target relate; each driver states what happens on the kinds of path it
 * has. shared-namespace: client and server are both on Docker's host network, one namespace;
 * no-interface: the client is on Docker's none network, loopback only.
 */
export const PATH_KINDS = ["same-subnet", "cross-subnet", "host", "shared-namespace", "no-interface"] as const;
export type PathKind = (typeof PATH_KINDS)[number];

/** What a probe on a path should show (any listed outcome matches), or why it is not probed at all. */
export type PathFact = { expect: readonly ProbeOutcome[]; why: string } | { skip: string };

/** A driver of the networks a lab creates (`docker network create -d …`). */
export type NetworkDriver = "bridge" | "macvlan" | "ipvlan" | "overlay";

export interface DriverFacts {
  /** The driver of the lab's own networks; under host and none they are plain bridge networks. */
  docker: NetworkDriver;
  /**
   * Docker's predefined network (there is one of each, named after its driver) that a lab
   * container without a `network` runs on; absent: every container names a lab network.
   */
  predefined?: "host" | "none";
  /** The Linux link type the driver creates ("none": no link at all); a kernel without it cannot run the lab. */
  linkType: "veth" | "macvlan" | "ipvlan" | "vxlan" | "none";
  /** Whether the networks need the daemon in swarm mode (docker/swarm.ts): overlay networks do. */
  swarm: boolean;
  /** Whether the lab's networks are internal: no route off the machine (Docker adds no gateway leg or NAT). */
  internal: boolean;
  /** Driver options that select the mode, with Docker's option names. */
  modeOptions: Readonly<Record<string, string>>;
  /** For default names: Docker object prefix `cnilab-<short>`, lab-made parent bridge `cnilab-<short>-br`. */
  short: string;
  /** Whether containers hang off a parent interface (and so whether `cnilab:parent` means anything). */
  parent: boolean;
  /** Without a parent: where the containers' links end instead, for the plan's parent note (default: a Linux bridge per network). */
  noParent?: string;
  /** IPv4 subnets one Docker network of this driver may hold. */
  subnetsPerNetwork: "one" | "many";
  /**
   * What the IPAM gateway is: the host's own address on the network (bridge), a next hop that only
   * a router on the parent's segment could answer for, ignored (the default route is the device),
   * or on the overlay's own bridge inside the network's namespace.
   */
  gateway: "host" | "next-hop" | "ignored" | "overlay-bridge";
  /** Whether broadcast and multicast (ARP among them) reach the containers. */
  broadcast: boolean;
  summary: string;
  /** The kinds of path the driver has; a lab whose probe takes another kind is refused (docker/spec.ts). */
  paths: Partial<Record<PathKind, PathFact>>;
  /**
   * What a server binding a port that an earlier server of the lab already holds sees, when all
   * servers share one namespace (the host driver); absent: each server has a namespace of its own.
   */
  portClash?: { expect: ProbeOutcome; why: string };
}

/** Slow enough for ARP to give up (3 probes, 1 s apart) and report no-route before our timeout. */
const NO_ROUTE_WHY_ARP = "ARP for it goes unanswered, so the kernel reports the host unreachable (EHOSTUNREACH) after about 3 s";

export const DRIVER_FACTS: Record<DockerDriver, DriverFacts> = {
  bridge: {
    docker: "bridge",
    linkType: "veth",
    modeOptions: {},
    short: "br",
    swarm: false,
    internal: false,
    parent: false,
    subnetsPerNetwork: "one",
    gateway: "host",
    broadcast: true,
    summary:
      "Each network is a Linux bridge on the host holding the gateway address; containers attach by veth pairs and reach the outside through NAT (MASQUERADE).",
    paths: {
      "same-subnet": { expect: ["connected"], why: "containers of one bridge network are ports of one Linux bridge" },
      "cross-subnet": {
        expect: ["timeout"],
        why: "the bridge driver takes one IPv4 subnet per network, so each subnet is its own bridge network, and Docker drops traffic between bridge networks (its isolation chains) without a reply",
      },
      host: {
        expect: ["connected", "refused"],
        why: "the gateway is the host's own address on the bridge, so the host's stack answers: a connection if something listens there, a refusal (RST) if nothing does",
      },
    },
  },
  macvlan: {
    docker: "macvlan",
    linkType: "macvlan",
    modeOptions: { macvlan_mode: "bridge" },
    short: "mv",
    swarm: false,
    internal: false,
    parent: true,
    subnetsPerNetwork: "many",
    gateway: "next-hop",
    broadcast: true,
    summary:
      "Each container gets its own MAC address on the parent's segment, as if it were a machine on that wire; bridge mode switches frames between the containers of one parent.",
    paths: {
      "same-subnet": { expect: ["connected"], why: "in bridge mode the macvlan driver switches frames between children of one parent itself" },
      "cross-subnet": {
        expect: ["no-route"],
        why: `macvlan has no router: another subnet is reached through the network's gateway, an address Docker gives the containers as next hop but puts on no device; ${NO_ROUTE_WHY_ARP}`,
      },
      host: {
        expect: ["no-route"],
        why: `a macvlan child never reaches its parent's own stack (the driver passes a child's frames to sibling children or out of the parent, never up into the host), so the host's address on the parent is unreachable; ${NO_ROUTE_WHY_ARP}`,
      },
    },
  },
  "ipvlan-l2": {
    docker: "ipvlan",
    linkType: "ipvlan",
    modeOptions: { ipvlan_mode: "l2" },
    short: "ipvl2",
    swarm: false,
    internal: false,
    parent: true,
    subnetsPerNetwork: "many",
    gateway: "next-hop",
    broadcast: true,
    summary:
      "All containers share the parent's MAC address and are told apart by IP; L2 mode switches between them and answers ARP, like macvlan bridge mode with one MAC.",
    paths: {
      "same-subnet": { expect: ["connected"], why: "L2 mode switches between the children of one parent, ARP included" },
      "cross-subnet": {
        expect: ["no-route"],
        why: `different subnets on one parent need an external router in L2 mode; the gateway is a next hop on no device, and ${NO_ROUTE_WHY_ARP}`,
      },
      host: {
        expect: ["no-route"],
        why: `ipvlan filters traffic between the children and the parent's own addresses by design (isolation of the default namespace); ${NO_ROUTE_WHY_ARP}`,
      },
    },
  },
  "ipvlan-l3": {
    docker: "ipvlan",
    linkType: "ipvlan",
    modeOptions: { ipvlan_mode: "l3" },
    short: "ipvl3",
    swarm: false,
    internal: false,
    parent: true,
    subnetsPerNetwork: "many",
    gateway: "ignored",
    broadcast: false,
    summary:
      "The parent routes: containers get `default dev eth0` instead of a gateway, no broadcast or multicast reaches them (so no ARP), and unicast is routed between every subnet on the parent.",
    paths: {
      "same-subnet": { expect: ["connected"], why: "the ipvlan driver delivers unicast to any child address on the parent" },
      "cross-subnet": {
        expect: ["connected"],
        why: "L3 mode routes unicast between subnets that share a parent: the default route points at the device and the driver delivers to the sibling's address, no ARP needed",
      },
      host: {
        skip: "in L3 mode a packet for a host address may be handed to the host's stack, but the host has no route back to the container subnets unless one is added, so its reply would leave by the host's default route; not probed, to keep lab traffic off the uplink",
      },
    },
  },
  overlay: OVERLAY_FACTS,
  host: HOST_FACTS,
  none: NONE_FACTS,
};

/** Names of the drivers with the given property, for messages ("parent applies to macvlan, …"). */
export function driversWhere(test: (facts: DriverFacts) => boolean): DockerDriver[] {
  return DOCKER_DRIVERS.filter((d) => test(DRIVER_FACTS[d]));
}
