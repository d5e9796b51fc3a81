import { formatIp, mustParseCidr, parseIpv4, containsIp } from "../ip/cidr";
import type { ProbeOutcome, ProbePlan, ProbeProtocol } from "../probe/types";
import { DRIVER_FACTS, type PathKind } from "./drivers";
import { HOST_TARGET, probeId } from "./lab";
import type { ParentPlan } from "./parent";
import { PROBE_ATTEMPTS, PROBE_RETRY_DELAY_MS, PROBE_TIMEOUT_MS } from "./pins";
import type { DockerSpec } from "./spec";

/** A probe the lab runs, with what the driver's facts say it must show. */
export interface PlannedProbe {
  /** The result line's id: `client-a->web-b:80/tcp`. */
  id: string;
  /** The client (lab name) whose assertion container runs the probe. */
  from: string;
  /** A server's lab name, or `host`. */
  to: string;
  address: string;
  port: number;
  protocol: ProbeProtocol;
  path: PathKind;
  /** Any of these outcomes matches the driver's facts. */
  expect: ProbeOutcome[];
  /** The networking reason for the expectation (docker/drivers.ts). */
  why: string;
  about?: string;
}

/** A probe of the lab file this stack does not run, and why. */
export interface SkippedProbe {
  id: string;
  from: string;
  to: string;
  path: PathKind;
  reason: string;
}

export interface ProbesPlan {
  probes: PlannedProbe[];
  skipped: SkippedProbe[];
  /** The probe program's plan for each client, by the client's lab name. */
  plans: Map<string, ProbePlan>;
}

/**
 * Every probe of the lab: its target address, the kind of path, and the expectation the driver's
 * facts give for that path. `dockerNetworkOf` tells which Docker network an address lands on.
 */
export function planProbes(spec: DockerSpec, parent: ParentPlan, dockerNetworkOf: (network: string, address: string) => string): ProbesPlan {
  const { stack, lab } = spec;
  const facts = DRIVER_FACTS[stack.dockerDriver];
  const probes: PlannedProbe[] = [];
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
    if ("skip" in fact) skipped.push({ id, from: p.from, to: p.to, path, reason: fact.skip });
    else if (address === undefined) skipped.push({ id, from: p.from, to: p.to, path, reason: unknownAddress! });
    else {
      probes.push({
        id,
        from: p.from,
        to: p.to,
        address,
        port,
        protocol: p.protocol,
        path,
        expect: [...fact.expect],
        why: fact.why,
        ...(p.about !== undefined ? { about: p.about } : {}),
      });
    }
  }
  const plans = new Map<string, ProbePlan>();
  for (const c of lab.clients) {
    const mine = probes.filter((p) => p.from === c.name);
    plans.set(c.name, {
      retryDelayMs: PROBE_RETRY_DELAY_MS,
      probes: mine.map((p) => ({
        id: p.id,
        to: p.address,
        port: p.port,
        protocol: p.protocol,
        timeoutMs: PROBE_TIMEOUT_MS,
        attempts: PROBE_ATTEMPTS,
        expect: p.expect[0]!,
      })),
    });
  }
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
