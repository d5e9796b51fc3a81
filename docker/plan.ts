import { containsIp, formatIp, mustParseCidr, parseIpv4, size, type Cidr } from "../ip/cidr";
import { DRIVER_FACTS } from "./drivers";
import { DOCKER_LAB_IMAGES } from "../pins";
import { PROBE_FILES } from "./pins";
import { planDockerProbes } from "./probes";
import { planParent } from "./parent";
import { planDockerServers } from "./servers";
import { planSwarm } from "./swarm";
import type { DockerSpec } from "./spec";
import { identityLabels, type Label } from "../host/identity";
import type { ContainerPlan, DockerLabPlan, NetworkPlan } from "./plan-types";
import { mapImagesIn } from "../pins/image-map";
import { unusedImageMapKeys } from "../labs/stack-maps";
import { SpecError } from "../labs/errors";

/**
 * Docker-only lab spec → the Docker networks and containers, as the plain data @pulumi/docker takes
 * (docker.Network / docker.Container argument shapes). Pure: no Pulumi here.
 */

export type { Label } from "../host/identity";

/** Docker's option naming the Linux bridge a bridge network creates (libnetwork bridge driver). */
export const BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";

/**
 * The lab's networks and containers. A client's uploads hold its probe plan; the probe program
 * itself is added by withProbeBundle, so names and structure never wait on bundling the probe.
 */
export function planDockerLab(spec: DockerSpec): DockerLabPlan {
  const { stack, lab } = spec;
  const facts = DRIVER_FACTS[stack.dockerDriver];
  // The stack's identity (down removes only what carries it), then what the object is in the lab.
  const labels = (role: string): Label[] => [
    ...identityLabels(stack.stackName),
    { label: "cnilab.name", value: stack.name },
    { label: "cnilab.lab", value: lab.name },
    { label: "cnilab.role", value: role },
  ];
  const parent = planParent(spec);
  const networks: NetworkPlan[] = [];
  const containers: ContainerPlan[] = [];
  if (parent.kind === "lab-made") {
    const parentNetwork = lab.parentNetwork!;
    const parentCidr = mustParseCidr(parentNetwork.subnet);
    const gateway = parent.address;
    networks.push({
      name: parent.network,
      role: "parent",
      driver: "bridge",
      options: { [BRIDGE_NAME_OPTION]: parent.device },
      // Nothing on the lab's own wire is forwarded or NATed off the machine.
      internal: true,
      attachable: false,
      ipamConfigs: [{ subnet: parentNetwork.subnet, gateway }],
      labels: labels("parent"),
    });
    // A Linux bridge has carrier only while a port is up, and macvlan/ipvlan children of a parent
    // without carrier drop every frame. One idle container on the bridge network is that port.
    containers.push(
      container(stack.name, "wire", "wire", ["sleep", "2147483647"], { network: parent.network, address: firstFreeHost(parentCidr, gateway) }, labels("wire")),
    );
  }

  const homes = new Map<string, string>();
  for (const n of lab.networks) {
    const subnets = n.subnets.map((s) => ({
      subnet: s.subnet,
      ...(facts.gateway !== "ignored" && s.gateway !== undefined ? { gateway: s.gateway } : {}),
    }));
    const groups = facts.subnetsPerNetwork === "many" ? [subnets] : subnets.map((s) => [s]);
    groups.forEach((group, j) => {
      const name = groups.length === 1 ? `${stack.name}-${n.name}` : `${stack.name}-${n.name}-${j}`;
      networks.push({
        name,
        role: "lab",
        driver: facts.docker,
        options: parent.kind === "none" ? { ...facts.modeOptions } : { ...facts.modeOptions, parent: parent.device },
        internal: facts.internal,
        attachable: facts.swarm,
        ipamConfigs: group,
        labels: labels("lab"),
      });
      for (const s of group) homes.set(s.subnet, name);
    });
  }
  // A container's place: the Docker network of its subnet, or the driver's predefined network.
  const placeOf = (c: { network?: string | undefined; address?: string | undefined }): Place => {
    if (c.network === undefined || c.address === undefined) return { mode: facts.predefined! };
    const subnet = lab.networks.find((n) => n.name === c.network)!.subnets.find((s) => containsIp(mustParseCidr(s.subnet), parseIpv4(c.address!)!))!;
    return { network: homes.get(subnet.subnet)!, address: c.address };
  };

  const servers = planDockerServers(spec, (s, role, command) => container(stack.name, s.name, role, command, placeOf(s), labels(role)));
  containers.push(...servers.containers);
  const { probes, skipped, plans } = planDockerProbes(spec, parent);
  for (const c of lab.clients) {
    const client = container(stack.name, c.name, "client", ["node", PROBE_FILES.bundle, "--plan", PROBE_FILES.plan], placeOf(c), labels("client"));
    client.image = DOCKER_LAB_IMAGES.probe;
    Object.assign(client, { tty: true, attach: true, logs: true, mustRun: false });
    client.uploads = [{ file: PROBE_FILES.plan, content: `${JSON.stringify(plans.get(c.name) ?? { probes: [] }, null, 2)}\n` }];
    containers.push(client);
  }
  // What the lab pins, checked against cnilab:imageMap; then every container runs the mapped reference.
  const pinned = [...new Set(containers.map((c) => c.image))];
  const unused = unusedImageMapKeys(stack.imageMap, pinned, stack.source, stack.stackName);
  if (unused.length > 0) throw new SpecError(unused);
  const mapped = mapImagesIn(containers, stack.imageMap);
  return {
    name: stack.name,
    lab: lab.name,
    driver: stack.dockerDriver,
    parent,
    ...(facts.swarm ? { swarm: planSwarm(stack) } : {}),
    networks,
    containers: mapped,
    probes: [...probes, ...servers.probes],
    skipped,
    images: [...new Set(mapped.map((c) => c.image))],
  };
}

/** The plan `up` registers: every client gets the bundled probe program (probe/bundle.ts bundleProbe()) before its plan. */
export function withProbeBundle(plan: DockerLabPlan, probeBundle: string): DockerLabPlan {
  const upload = { file: PROBE_FILES.bundle, content: probeBundle };
  return { ...plan, containers: plan.containers.map((c) => (c.role === "client" ? { ...c, uploads: [upload, ...c.uploads] } : c)) };
}

/** Where a container runs: a Docker network at a fixed address, or a predefined network. */
type Place = { network: string; address: string } | { mode: "host" | "none" };

function container(prefix: string, labName: string, role: ContainerPlan["role"], command: string[], place: Place, labels: Label[]): ContainerPlan {
  return {
    name: `${prefix}-${labName}`,
    labName,
    role,
    image: DOCKER_LAB_IMAGES.busybox,
    command,
    ...("mode" in place ? { networkMode: place.mode, networksAdvanced: [] } : { networksAdvanced: [{ name: place.network, ipv4Address: place.address }] }),
    labels,
    init: true,
    tty: false,
    attach: false,
    logs: false,
    mustRun: true,
    uploads: [],
  };
}

/** The lowest host address of the subnet that is not the gateway. */
function firstFreeHost(cidr: Cidr, gateway: string): string {
  const gw = parseIpv4(gateway);
  const ip = cidr.base + 1 === gw ? cidr.base + 2 : cidr.base + 1;
  if (ip >= cidr.base + size(cidr) - 1) throw new Error(`no free address in the parent subnet for the wire container`);
  return formatIp(ip);
}

