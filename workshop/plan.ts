/**
 * A workshop as plain data: per host its registry cache, per participant a whole lab plan (derived
 * cluster name, own node network and API server port, mirrors through the host's cache). Pure but
 * for reading the lab file. Adding a participant at the end of the file adds one entry and changes
 * no other: every participant's values follow from their position alone (pool.ts, placement.ts).
 */
import { loadSpec, type Spec } from "../labs";
import { stackNameOf } from "../labs/stack";
import { planLab, type LabPlan } from "../plan";
import { renderKindConfig } from "../plan/cluster";
import { planTerminals, type TerminalPlan } from "../terminal/plan";
import { planRegistryCache, viaCache } from "./cache/plan";
import type { CacheHost, CacheMode, RegistryCachePlan } from "./cache/types";
import { participantCost, type ParticipantCost } from "./capacity";
import type { Participant, WorkshopHost, WorkshopSpec } from "./load";
import { placeParticipants } from "./placement";

export interface ParticipantPlan extends Participant {
  host: WorkshopHost;
  /** kind's apiServerAddress and apiServerPort: https://<address>:<port> in their kubeconfig. */
  apiServer: { address: string; port: number };
  spec: Spec;
  lab: LabPlan;
  /** Their browser terminal, when the workshop file asks for terminals. */
  terminal?: TerminalPlan;
}

export interface HostPlan {
  host: WorkshopHost;
  cache: RegistryCachePlan;
  participants: string[];
}

export interface WorkshopPlan {
  workshop: string;
  /** The Pulumi stack (workshop-<name>): every Docker object carries its identity labels. */
  stack: string;
  cost: ParticipantCost;
  hosts: HostPlan[];
  participants: ParticipantPlan[];
  /** Participants no host has room for by the figures the file declares. */
  unplaced: string[];
}

/**
 * The logical names of a workshop's children (components/workshop): from the host's or the
 * participant's own name, never a position, so adding a participant renames nothing.
 */
export const WORKSHOP_CHILDREN = {
  provider: (host: string) => `docker-${host}`,
  cache: (host: string) => `cache-${host}`,
  lab: (participant: string) => `lab-${participant}`,
  terminal: (participant: string) => `terminal-${participant}`,
  terminalImage: (host: string) => `terminal-image-${host}`,
};

/** The host as the cache plan takes it: the address its kind nodes reach the caches on. */
export function cacheHost(host: WorkshopHost): CacheHost {
  return { id: host.id, ...(host.dockerHost ? { dockerHost: host.dockerHost } : {}), address: host.cacheAddress };
}

/** `source` is the workshop's stack file: the participants' labs are this stack's (identity labels). */
/**
 * `chartDirs`: the stack's `cnilab:chartDirs`, for every participant (charts unpacked from a bundle);
 * `cacheMode`: the caches' (offline once a bundle is loaded; default proxy).
 */
export async function planWorkshop(workshop: WorkshopSpec, source: string, settings: { chartDirs?: unknown; cacheMode?: CacheMode } = {}): Promise<WorkshopPlan> {
  const backends = [...new Set(workshop.participants.map((p) => p.backend))];
  const cost = participantCost(workshop.workers, backends, workshop.terminals?.memoryMiB);
  const placed = placeParticipants(workshop.participants.length, workshop.hosts, cost, workshop.participantsPerHost);
  const caches = new Map(workshop.hosts.map((h) => [h.id, planRegistryCache(workshop.name, cacheHost(h), settings.cacheMode)]));
  const participants: ParticipantPlan[] = [];
  const unplaced: string[] = [];
  for (const p of workshop.participants) {
    const host = workshop.hosts.find((h) => h.id === placed[p.index]);
    if (!host) {
      unplaced.push(p.name);
      continue;
    }
    const cache = caches.get(host.id)!;
    const raw = { lab: workshop.lab, backend: p.backend, workers: workshop.workers, clusterName: p.clusterName, nodeSubnet: p.nodeSubnet };
    const spec = await loadSpec(settings.chartDirs === undefined ? raw : { ...raw, chartDirs: settings.chartDirs }, source);
    const apiServer = { address: host.address, port: p.apiPort };
    const planned = planLab(spec, { mirrors: cache.mirrors });
    const kindConfig = {
      ...planned.kindConfig,
      // The node image is pulled by the host's Docker, not the nodes' containerd: through the cache on
      // its loopback (the plan's image list keeps the pinned reference, which bundles fetch).
      nodes: planned.kindConfig.nodes.map((n) => ({ ...n, image: viaCache(cache, n.image) })),
      networking: { ...planned.kindConfig.networking, apiServerAddress: apiServer.address, apiServerPort: apiServer.port },
    };
    const lab: LabPlan = { ...planned, kindConfig, kindConfigYaml: renderKindConfig(kindConfig) };
    participants.push({ ...p, host, apiServer, spec, lab });
  }
  if (workshop.terminals) {
    const stack = stackNameOf(source);
    const terminals = planTerminals(workshop.name, stack, participants.map((p) => ({ ...p, host: p.host, network: p.lab.network })), workshop.terminals);
    participants.forEach((p, i) => (p.terminal = terminals[i]));
  }
  const hosts = workshop.hosts.map((host) => ({ host, cache: caches.get(host.id)!, participants: participants.filter((p) => p.host.id === host.id).map((p) => p.name) }));
  return { workshop: workshop.name, stack: stackNameOf(source), cost, hosts, participants, unplaced };
}
