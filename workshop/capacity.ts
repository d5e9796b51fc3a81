/**
 * How many participants a host holds: each participant is one kind cluster of 1 + workers nodes,
 * costing the per-node figures host/resources.ts records (memory, CPU requests, disk, with their
 * sources), against what the host has (or what the workshop file caps it at). Pure: the CLI reads
 * the host, this does the arithmetic.
 */
import { BACKEND_FACTS } from "../backends";
import type { Backend } from "../backends/types";
import { cpuEstimate, diskEstimateGib, INOTIFY_MIN, memoryEstimateGib } from "../host/resources";

/** What one participant's cluster costs. */
export interface ParticipantCost {
  nodes: number;
  memoryGiB: number;
  cpus: number;
  /** Per cluster; the node image (stored once per host) is in `hostDiskGiB`. */
  diskGiB: number;
  /** Stored once per Docker host whatever the count: the node image. */
  hostDiskGiB: number;
}

/** What a host has (or may give the workshop); undefined = could not be read and not declared. */
export interface HostResources {
  memoryGiB?: number;
  cpus?: number;
  diskGiB?: number;
  /** fs.inotify.max_user_instances / max_user_watches; undefined on a host we cannot read them from. */
  inotify?: { instances: number; watches: number };
}

export type Resource = "memory" | "cpus" | "disk";

/** One host's arithmetic: what the planned participants need, what it has, and how many fit. */
export interface HostFit {
  host: string;
  planned: number;
  need: { memoryGiB: number; cpus: number; diskGiB: number; nodes: number };
  have: HostResources;
  /** Participants that fit by each resource the host reports (Infinity when unknown). */
  fitsBy: Record<Resource, number>;
  /**
   * The least of memory, disk and the file's per-host cap. CPU is not a limit: every kind node sees
   * all the host's CPUs and each cluster's scheduler counts only its own nodes, so requests beyond
   * the host's CPUs slow everyone down rather than fail (`cpuOversubscribed` says so).
   */
  fits: number;
  /** What decides `fits` (the scarcer of memory and disk, or the cap). */
  limitedBy: Exclude<Resource, "cpus"> | "participantsPerHost" | "nothing known";
  /** The planned participants' CPU requests exceed the host's CPUs. */
  cpuOversubscribed: boolean;
  /** Below kind's recommended inotify limits (known-issues page): a warning, not a limit. */
  inotifyLow: boolean;
}

/**
 * The heaviest of the backends the workshop rotates through, so every participant is costed alike
 * and a host's capacity does not depend on who lands there.
 */
export function participantCost(workers: number, backends: readonly Backend[], terminalMemoryMiB = 0): ParticipantCost {
  const families = backends.map((b) => BACKEND_FACTS[b].family);
  const shape = { workers, families };
  return {
    nodes: workers + 1,
    // A browser terminal counts at its memory limit (terminal/settings.ts): the most it can hold.
    memoryGiB: memoryEstimateGib(shape) + terminalMemoryMiB / 1024,
    cpus: cpuEstimate(shape),
    diskGiB: diskEstimateGib(shape, 1) - diskEstimateGib(shape, 0),
    hostDiskGiB: diskEstimateGib(shape, 0),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

export function hostFit(host: string, planned: number, cost: ParticipantCost, have: HostResources, cap?: number): HostFit {
  const per = (available: number | undefined, each: number, fixed = 0) => (available === undefined ? Infinity : Math.max(0, Math.floor((available - fixed) / each + 1e-9)));
  const fitsBy: Record<Resource, number> = {
    memory: per(have.memoryGiB, cost.memoryGiB),
    cpus: per(have.cpus, cost.cpus),
    disk: per(have.diskGiB, cost.diskGiB, cost.hostDiskGiB),
  };
  const [scarcest, byResource] = (Object.entries(fitsBy) as [Resource, number][]).filter(([r]) => r !== "cpus").reduce((a, b) => (b[1] < a[1] ? b : a)) as [Exclude<Resource, "cpus">, number];
  const fits = Math.min(byResource, cap ?? Infinity);
  const limitedBy = cap !== undefined && cap <= byResource ? "participantsPerHost" : byResource === Infinity ? "nothing known" : scarcest;
  return {
    host,
    planned,
    need: {
      nodes: planned * cost.nodes,
      memoryGiB: round(planned * cost.memoryGiB),
      cpus: round(planned * cost.cpus),
      diskGiB: round(planned > 0 ? cost.hostDiskGiB + planned * cost.diskGiB : 0),
    },
    have,
    fitsBy,
    fits,
    limitedBy,
    cpuOversubscribed: have.cpus !== undefined && planned * cost.cpus > have.cpus,
    inotifyLow: have.inotify !== undefined && (have.inotify.instances < INOTIFY_MIN.max_user_instances || have.inotify.watches < INOTIFY_MIN.max_user_watches),
  };
}

/** How many participants the hosts hold in all. */
export function totalFits(fits: readonly HostFit[]): number {
  return fits.reduce((n, f) => n + f.fits, 0);
}
