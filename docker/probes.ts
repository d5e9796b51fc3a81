import { formatIp, mustParseCidr, parseIpv4, containsIp } from "../ip/cidr";
import type { ProbePlanFile } from "../probe/types";
import { probePlanFor } from "../verdict/probe-plan";
import type { PlannedProbe, SkippedProbe } from "../verdict/types";
import { DRIVER_FACTS, type PathKind } from "./drivers";
import { HOST_TARGET, probeId } from "./lab";
import type { ParentPlan } from "./parent";
import type { DockerSpec } from "./spec";

/**
 * A Docker-only lab's probe in the shared language (verdict/types.ts): the client's lab name runs it,
 * `toLabel` is the server's lab name (or `host`), `to` its address, and the group is the kind of path
 * whose driver fact gives the expectation.
 */
export interface DockerProbe extends PlannedProbe {
  group: PathKind;
}

export interface ProbesPlan {
  probes: DockerProbe[];
  skipped: SkippedProbe[];
  /** The probe program's plan for each client, by the client's lab name. */
  plans: Map<string, ProbePlanFile>;
}

/**
 * Every probe of the lab: its target address, the kind of path, and the expectation the driver's
 * facts give for that path. `dockerNetworkOf` tells which Docker network an address lands on.
 */
export function planDockerProbes(spec: DockerSpec, parent: ParentPlan, dockerNetworkOf: (network: string, address: string) => string): ProbesPlan {
  const { stack, lab } = spec;
  const facts = DRIVER_FACTS[stack.dockerDriver];
  const probes: DockerProbe[] = [];
  const skipped: SkippedProbe[] = [];
  for (const p of lab.probes) {
    const client = lab.clients.find((c) => c.name === p.from)!;
    const server = lab.servers.find((s) => s.name === p.to);
    const port = p.port ?? server!.port;
    const id = probeId(p.from, p.to, port, p.protocol);
    let path: PathKind;
    let address: string | undefined;
    let unknownAddress: string | undefined;
    if (server) {
      const same = dockerNetworkOf(client.network, client.address) === dockerNetworkOf(server.network, server.address) && sameSubnet(spec, client, server);
      path = same ? "same-subnet" : "cross-subnet";
      address = server.address;
    } else {
      path = "host";
      ({ address, unknownAddress } = hostAddress(spec, parent, client));
    }
    const fact = facts.paths[path];
    if ("skip" in fact) skipped.push({ id, group: path, reason: fact.skip });
    else if (address === undefined) skipped.push({ id, group: path, reason: unknownAddress! });
    else {
      const [expect, ...accept] = fact.expect;
      probes.push({ id, group: path, client: p.from, to: address, toLabel: p.to, port, protocol: p.protocol, expect: expect!, ...(accept.length ? { accept } : {}), why: fact.why });
    }
  }
  const plans = new Map(lab.clients.map((c) => [c.name, probePlanFor(probes.filter((p) => p.client === c.name), "docker")]));
  return { probes, skipped, plans };
}

function sameSubnet(spec: DockerSpec, a: { network: string; address: string }, b: { network: string; address: string }): boolean {
  if (a.network !== b.network) return false;
  const subnets = spec.lab.networks.find((n) => n.name === a.network)!.subnets.map((s) => mustParseCidr(s.subnet));
  const home = (ip: string) => subnets.findIndex((c) => containsIp(c, parseIpv4(ip)!));
  return home(a.address) === home(b.address);
}

/** The host's own address as the client sees it: its bridge gateway, or the parent's address. */
function hostAddress(spec: DockerSpec, parent: ParentPlan, client: { network: string; address: string }): { address?: string; unknownAddress?: string } {
  switch (parent.kind) {
    case "none": {
      const subnet = spec.lab.networks
        .find((n) => n.name === client.network)!
        .subnets.find((s) => containsIp(mustParseCidr(s.subnet), parseIpv4(client.address)!))!;
      return { address: subnet.gateway ?? formatIp(mustParseCidr(subnet.subnet).base + 1) };
    }
    case "lab-made":
      return { address: parent.address };
    case "host":
      return parent.address !== undefined
        ? { address: parent.address }
        : { unknownAddress: `the host's address on ${parent.device} is not known: set cnilab:parentAddress to probe '${HOST_TARGET}'` };
  }
}
