/**
 * A workshop stack: `stacks/Pulumi.workshop-<name>.yaml` with `cnilab:workshop: <name>` and nothing
 * else of cnilab's (the workshop file says the rest). The stack's name carries the workshop's, so its
 * identity labels (on every network, cluster and cache) name the workshop.
 */
import { SpecError } from "../labs/errors";
import { objectSettings, stackNameOf } from "../labs/stack";
import { workshopStackName } from "./cache/plan";
import type { CacheMode } from "./cache/types";
import { notAllowed } from "../labs/zod-problems";
import { loadWorkshop, WORKSHOPS_DIR, type WorkshopSpec } from "./load";
import { planWorkshop, type WorkshopPlan } from "./plan";

export const WORKSHOP_KEY = "workshop";
/**
 * The other keys a workshop stack takes, set by `cnilab workshop up --from-bundle` for one update
 * (or by hand): `chartDirs` (chart → unpacked folder, for every participant, as a lab stack's),
 * `cachesOnly` (bring up the hosts' registry caches and no lab, so a bundle can be loaded into them)
 * and `cacheMode` (`offline`: the caches serve what a bundle loaded and ask no upstream).
 */
const OPTIONAL_KEYS = ["chartDirs", "cachesOnly", "cacheMode"] as const;
const CACHE_MODES: readonly CacheMode[] = ["proxy", "offline"];

/** A stack is a workshop's when it sets cnilab:workshop. */
export function isWorkshopStack(raw: Record<string, unknown>): boolean {
  return WORKSHOP_KEY in raw;
}

/** The stack's settings checked, then its workshop file loaded. */
export function loadWorkshopStack(raw: Record<string, unknown>, source: string, dir = WORKSHOPS_DIR): WorkshopSpec {
  const name = raw[WORKSHOP_KEY];
  const path = `cnilab:${WORKSHOP_KEY}`;
  const problems = Object.keys(raw)
    .filter((k) => k !== WORKSHOP_KEY && !(OPTIONAL_KEYS as readonly string[]).includes(k))
    .map((k) => ({
      source,
      path: `cnilab:${k}`,
      message: `a workshop stack sets ${path} (and, for one update, ${OPTIONAL_KEYS.map((o) => `cnilab:${o}`).join(" or ")}); the workshop file (workshops/<name>.yaml) holds the rest`,
    }));
  if (typeof name !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    problems.push({ source, path, message: `expected a workshop name (a DNS-1123 label, workshops/<name>.yaml), got ${JSON.stringify(name)}` });
  } else if (stackNameOf(source) !== workshopStackName(name)) {
    problems.push({ source, path, message: `workshop '${name}' belongs in stacks/Pulumi.${workshopStackName(name)}.yaml (its caches and clusters carry that stack's labels); this file is stack '${stackNameOf(source)}'` });
  }
  if (raw.cacheMode !== undefined && !CACHE_MODES.includes(raw.cacheMode as CacheMode)) {
    problems.push({ source, path: "cnilab:cacheMode", message: notAllowed(raw.cacheMode, CACHE_MODES) });
  }
  if (problems.length > 0) throw new SpecError(problems);
  return loadWorkshop(name as string, { source, path }, dir);
}

/** Settings → workshop → plan; a participant no host has room for is an error here (plan shows the arithmetic). */
export async function planWorkshopStack(raw: Record<string, unknown>, source: string, dir = WORKSHOPS_DIR): Promise<WorkshopPlan> {
  const workshop = loadWorkshopStack(raw, source, dir);
  const settings = objectSettings(raw);
  const plan = await planWorkshop(workshop, source, {
    ...(settings.chartDirs === undefined ? {} : { chartDirs: settings.chartDirs }),
    ...(settings.cacheMode === undefined ? {} : { cacheMode: settings.cacheMode as CacheMode }),
  });
  if (settings.cachesOnly === true || settings.cachesOnly === "true") return { ...plan, participants: [], hosts: plan.hosts.map((h) => ({ ...h, participants: [] })) };
  if (plan.unplaced.length > 0) {
    throw new SpecError([
      {
        source: workshop.source,
        path: "hosts",
        message: `the hosts' declared figures hold ${plan.participants.length} of ${workshop.participants.length} participants; no room for ${plan.unplaced.join(", ")} (cnilab workshop plan ${workshop.name} shows the arithmetic)`,
      },
    ]);
  }
  return plan;
}
