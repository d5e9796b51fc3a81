/**
 * The actions behind `cnilab workshop bundle <workshop> --out FILE [--platform os/arch,…]` and
 * `cnilab workshop up <workshop> --from-bundle FILE`: cli/workshop.ts parses the command line, plans
 * the workshop and calls these (they are no command of their own). Bad values throw UsageError, a
 * failed fetch or load throws, so the caller's runToExit gives the exit code.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LabPlan } from "../plan";
import { stateFolder } from "../host/state";
import { CACHE_UPSTREAMS, type RegistryCachePlan } from "../workshop/cache";
import { loadIntoCaches, openBundle, placeBundleManifests, unpackBundleCharts, workshopContents, writeBundle } from "../workshop/bundle";
import { UsageError, type Io } from "./command";

/** Most workshop hosts are x86-64 Linux; an index's other platforms stay out of the file. */
export const DEFAULT_PLATFORMS = ["linux/amd64"] as const;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
/** Per request: one layer of the kind node image is hundreds of MB. */
const FETCH_TIMEOUT_MS = 20 * 60_000;

/** `--platform linux/amd64,linux/arm64` → its list; a bad entry is a UsageError naming the form. */
export function parsePlatforms(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_PLATFORMS];
  const list = value.split(",").map((p) => p.trim());
  const bad = list.filter((p) => !PLATFORM.test(p));
  if (bad.length > 0 || list.length === 0) {
    throw new UsageError(`--platform '${bad[0] ?? value}' is not os/arch[/variant]`, { path: "--platform", value, allowed: ["linux/amd64", "linux/arm64", "linux/arm/v7"] });
  }
  return list;
}

export interface WorkshopBundleRequest {
  workshop: string;
  /** Every participant's lab plan (the images and charts are their union). */
  plans: readonly LabPlan[];
  /** --out, relative to io.cwd. */
  out: string;
  /** --platform as given. */
  platform?: string;
  /** Registry host → API base URL; default CACHE_UPSTREAMS (tests point it at a local registry). */
  endpoints?: Readonly<Record<string, string>>;
}

/** Writes the bundle; prints what went in and where it is. */
export async function workshopBundle(req: WorkshopBundleRequest, io: Io): Promise<number> {
  const platforms = parsePlatforms(req.platform);
  const endpoints: Readonly<Record<string, string>> = req.endpoints ?? CACHE_UPSTREAMS;
  const { images, charts, manifests } = workshopContents(req.plans);
  const out = resolve(io.cwd, req.out);
  const manifest = await writeBundle({
    workshop: req.workshop,
    images,
    charts,
    manifests,
    out,
    platforms,
    timeoutMs: FETCH_TIMEOUT_MS,
    endpoint: (domain) => {
      const url = endpoints[domain];
      if (!url) throw new Error(`no registry endpoint for ${domain}: cnilab bundles images of ${Object.keys(endpoints).join(", ")}`);
      return url;
    },
    progress: (line) => io.stdout(`${line}\n`),
  });
  io.stdout(`wrote ${out}: ${manifest.images.length} images (${platforms.join(", ")}), ${manifest.charts.length} charts, ${manifest.manifests.length} manifests\n`);
  return 0;
}

export interface LoadBundleRequest {
  workshop: string;
  /** --from-bundle, relative to io.cwd. */
  file: string;
  /** The workshop's caches, one per host; they must be running. */
  caches: readonly RegistryCachePlan[];
}

/** Where a workshop's charts are unpacked: `<state>/workshops/<workshop>/charts`. */
export function workshopChartsDir(io: Pick<Io, "env" | "cwd">, workshop: string): string {
  return join(stateFolder(io.env, io.cwd, "workshops"), workshop, "charts");
}

/**
 * Loads the bundle into every host's caches, puts its upstream manifests where `up` reads them and
 * unpacks its charts into the workshop's folder;
 * returns chart name → folder for the participants' `cnilab:chartDirs`.
 */
export async function loadWorkshopBundle(req: LoadBundleRequest, io: Io): Promise<Record<string, string>> {
  const workshops = stateFolder(io.env, io.cwd, "workshops");
  mkdirSync(workshops, { recursive: true });
  const dir = mkdtempSync(join(workshops, `${req.workshop}-bundle-`));
  try {
    const bundle = await openBundle(resolve(io.cwd, req.file), dir);
    if (bundle.manifest.workshop !== req.workshop) io.stderr(`note: ${req.file} was made for workshop ${bundle.manifest.workshop}, loading it for ${req.workshop}\n`);
    await loadIntoCaches(bundle, req.caches, io.env, (line) => io.stdout(`${line}\n`));
    for (const file of placeBundleManifests(bundle, io.env, io.cwd)) io.stdout(`manifest ${file}\n`);
    return await unpackBundleCharts(bundle, workshopChartsDir(io, req.workshop));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
