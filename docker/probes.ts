import type { ProbePlanFile } from "../probe/types";
import { probePlanFor } from "../verdict/probe-plan";
import type { PlannedProbe, SkippedProbe } from "../verdict/types";
import { DRIVER_FACTS, type PathKind } from "./drivers";
import { HOST_TARGET, probeId } from "./lab";
import type { ParentPlan } from "./parent";
import { labGatewayOf, HOST_LOOPBACK, pathKindOf, serverAddress, subnetGateway } from "./paths";
import type { DockerLabClient } from "./schema";
import type { DockerSpec } from "./spec";

/**
 * A Docker-only lab's probe in the shared language (verdict/types.ts): the client's lab name runs it,
 * `toLabel` is the server's lab name (or `host`), `to` its address, and the group is the kind of path
 * whose driver fact gives the expectation — or `bind`: a server's own listen, judged from its exit
 * and log (docker/report.ts), when a shared namespace makes two servers' ports collide.
 */
export interface DockerProbe extends PlannedProbe {
  group: PathKind | "bind";
}

export interface ProbesPlan {
  probes: DockerProbe[];
  skipped: SkippedProbe[];
  /** The probe program's plan for each client, by the client's lab name. */
  plans: Map<string, ProbePlanFile>;
}

/**
 * Every probe of the lab: its target address, the kind of path, and the expectation the driver's
 * facts give for that path (docker/spec.ts has refused a lab whose probes take a path the driver's
 * facts do not cover).
 */
export function planDockerProbes(spec: DockerSpec, parent: ParentPlan): ProbesPlan {
  const { stack, lab } = spec;
  const facts = DRIVER_FACTS[stack.dockerDriver];
  const probes: DockerProbe[] = [];
  const skipped: SkippedProbe[] = [];
  for (const p of lab.probes) {
    const client = lab.clients.find((c) => c.name === p.from)!;
    const server = lab.servers.find((s) => s.name === p.to);
    const port = p.port ?? server!.port;
    const id = probeId(p.from, p.to, port, p.protocol);
    const path = pathKindOf(lab, facts, client, server);
    const { address, unknownAddress } = server ? { address: serverAddress(server), unknownAddress: undefined } : hostAddress(spec, parent, client);
    const fact = facts.paths[path]!;
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

/**
 * The host's own address as the client sees it: its bridge gateway, the parent's address, the
 * host's loopback from the host network. A client on the none network dials the first lab
 * subnet's gateway, the address a bridge container would reach the host at.
 */
function hostAddress(spec: DockerSpec, parent: ParentPlan, client: DockerLabClient): { address?: string; unknownAddress?: string } {
  if (client.network === undefined || client.address === undefined) {
    if (DRIVER_FACTS[spec.stack.dockerDriver].predefined === "host") return { address: HOST_LOOPBACK };
    return { address: subnetGateway(spec.lab.networks[0]!.subnets[0]!) };
  }
  switch (parent.kind) {
    case "none":
      return { address: labGatewayOf(spec.lab, client.network, client.address) };
    case "lab-made":
      return { address: parent.address };
    case "host":
      return parent.address !== undefined
        ? { address: parent.address }
        : { unknownAddress: `the host's address on ${parent.device} is not known: set cnilab:parentAddress to probe '${HOST_TARGET}'` };
  }
}
