/**
 * The bundle file: one tar holding `cnilab-bundle.json` (what is inside), `blobs/sha256/<hex>` (every
 * manifest, config and layer of every image, each once), `charts/<name>-<version>.tgz` and
 * `manifests/<name>-<version>.yaml` (upstream manifests such as canal's, by their pinned sha256). Layers are
 * compressed already, so the tar is not. Written by the system's `tar`, from a folder beside the
 * output that a failed run leaves behind, so a second run fetches only what is missing.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BlobFolder, sha256 } from "./blobs";
import { runOrThrow } from "../../host/run";
import { chartArchiveName, fetchChartArchives, type ChartRef } from "./charts";
import { RegistryClient, type BundledImage, type PullOptions } from "./registry-client";
import { loadManifest } from "../../host/manifests";
import type { ManifestPin } from "../../pins/versions";

export const BUNDLE_FORMAT = "cnilab-workshop-bundle/v1";
const MANIFEST = "cnilab-bundle.json";

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  workshop: string;
  /** The platforms kept from each image index. */
  platforms: string[];
  images: BundledImage[];
  /** Each chart with its archive's path in the bundle and sha256. */
  charts: (ChartRef & { file: string; digest: string })[];
  /** Upstream manifests, each with its path in the bundle (checked against the pin's sha256). */
  manifests: (ManifestPin & { file: string })[];
}

export interface BundleRequest extends PullOptions {
  workshop: string;
  images: readonly string[];
  charts: readonly ChartRef[];
  manifests: readonly ManifestPin[];
  out: string;
  /** One line per image or chart fetched. */
  progress: (line: string) => void;
}

/** Fetches everything and writes the bundle file; returns what it holds. */
export async function writeBundle(req: BundleRequest): Promise<BundleManifest> {
  const staging = `${req.out}.d`;
  const blobs = new BlobFolder(staging);
  const client = new RegistryClient(req);
  const images: BundledImage[] = [];
  for (const ref of req.images) {
    const image = await client.pull(ref, blobs);
    images.push(image);
    req.progress(`image ${ref}: ${image.manifests.length} manifest(s), ${image.blobs.length} blob(s)`);
  }
  const archives = await fetchChartArchives(req.charts, join(staging, "charts"), req.timeoutMs);
  const charts = req.charts.map((c) => {
    req.progress(`chart ${c.name} ${c.version} from ${c.repo}`);
    return { ...c, file: `charts/${chartArchiveName(c)}`, digest: sha256(readFileSync(archives.get(c)!)) };
  });
  const manifests = [];
  for (const pin of req.manifests) {
    const file = `manifests/${pin.name}-${pin.version}.yaml`;
    await loadManifest(pin, { file: join(staging, file) });
    req.progress(`manifest ${pin.name} ${pin.version} from ${pin.url}`);
    manifests.push({ ...pin, file });
  }
  const manifest: BundleManifest = { format: BUNDLE_FORMAT, workshop: req.workshop, platforms: [...req.platforms], images, charts, manifests };
  writeFileSync(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(join(staging, "blobs"), { recursive: true });
  mkdirSync(join(staging, "charts"), { recursive: true });
  mkdirSync(join(staging, "manifests"), { recursive: true });
  await runOrThrow("tar", ["-cf", `${req.out}.partial`, "-C", staging, MANIFEST, "blobs", "charts", "manifests"], process.env, 30 * 60_000, `writing ${req.out}`);
  renameSync(`${req.out}.partial`, req.out);
  rmSync(staging, { recursive: true, force: true });
  return manifest;
}

export interface OpenedBundle {
  manifest: BundleManifest;
  blobs: BlobFolder;
  /** The folder it was unpacked into; the caller removes it. */
  dir: string;
}

/** Unpacks a bundle into `dir` and checks every blob and chart against its digest. */
export async function openBundle(file: string, dir: string): Promise<OpenedBundle> {
  if (!existsSync(file)) throw new Error(`${file}: no such bundle file (write one with \`cnilab workshop bundle <workshop> --out ${file}\`)`);
  mkdirSync(dir, { recursive: true });
  await runOrThrow("tar", ["-xf", file, "-C", dir], process.env, 30 * 60_000, `unpacking ${file}`);
  const path = join(dir, MANIFEST);
  const manifest = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as BundleManifest) : undefined;
  if (manifest?.format !== BUNDLE_FORMAT) throw new Error(`${file}: not a cnilab workshop bundle (no ${MANIFEST} of format ${BUNDLE_FORMAT})`);
  const blobs = new BlobFolder(dir);
  const digests = new Set(manifest.images.flatMap((i) => [...i.manifests, ...i.blobs]));
  for (const d of digests) await blobs.verify(d).catch((e: Error) => Promise.reject(new Error(`${file}: ${e.message}`)));
  for (const c of manifest.charts) {
    const got = sha256(readFileSync(join(dir, c.file)));
    if (got !== c.digest) throw new Error(`${file}: ${c.file} is damaged: its content has digest ${got}, the bundle says ${c.digest}`);
  }
  for (const m of manifest.manifests) {
    const got = sha256(readFileSync(join(dir, m.file)));
    if (got !== `sha256:${m.sha256}`) throw new Error(`${file}: ${m.file} is damaged: its content has digest ${got}, the pin says sha256:${m.sha256}`);
  }
  return { manifest, blobs, dir };
}
