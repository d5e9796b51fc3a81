/**
 * A workshop's Helm charts, fetched once: each pinned chart's archive from its repository, checked
 * against the repository index's digest, and unpacked into the workshop's folder, where every
 * participant's release installs it from (`cnilab:chartDirs`, labs/chart-dirs.ts).
 * - The archive is the index entry's first URL, relative URLs resolved against the repository URL
 *   taken as a folder, and `digest` is the archive's sha256 in hex (Helm's pkg/repo chartrepo.go
 *   ResolveReferenceURL and index.go ChartVersion, helm/helm v3).
 * - A chart archive holds one top folder named after the chart (`helm package`); unpacking strips
 *   it, so the folder holds Chart.yaml as labs/chart-dirs.ts expects.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { sha256 } from "./blobs";
import { runOrThrow } from "../../host/run";

/** A chart a workshop installs, as the plan names it (HelmRelease chart, version, repo). */
export interface ChartRef {
  name: string;
  version: string;
  repo: string;
}

/** `<name>-<version>.tgz`, as `helm package` names an archive. */
export const chartArchiveName = (c: Pick<ChartRef, "name" | "version">): string => `${c.name}-${c.version}.tgz`;

interface IndexFile {
  entries?: Record<string, { version?: string; urls?: string[]; digest?: string }[]>;
}

/** Helm's ResolveReferenceURL: an absolute URL as is, else relative to the repository as a folder. */
export function chartUrl(repo: string, url: string): string {
  return new URL(url, repo.endsWith("/") ? repo : `${repo}/`).toString();
}

/** Downloads each chart's archive into `dir` (kept when already there and whole); returns the file per chart. */
export async function fetchChartArchives(charts: readonly ChartRef[], dir: string, timeoutMs: number): Promise<Map<ChartRef, string>> {
  mkdirSync(dir, { recursive: true });
  const files = new Map<ChartRef, string>();
  const indexes = new Map<string, IndexFile>();
  for (const chart of charts) {
    const file = join(dir, chartArchiveName(chart));
    files.set(chart, file);
    if (existsSync(file)) continue;
    let index = indexes.get(chart.repo);
    if (!index) {
      const url = chartUrl(chart.repo, "index.yaml");
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
      index = (parseYaml(await res.text()) ?? {}) as IndexFile;
      indexes.set(chart.repo, index);
    }
    const entry = index.entries?.[chart.name]?.find((e) => e.version === chart.version);
    if (!entry?.urls?.[0]) throw new Error(`${chart.repo} lists no ${chart.name} ${chart.version} with a download URL (its index.yaml)`);
    const url = chartUrl(chart.repo, entry.urls[0]);
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (entry.digest && sha256(bytes) !== `sha256:${entry.digest}`) {
      throw new Error(`${url}: the archive has digest ${sha256(bytes)}, the repository index says sha256:${entry.digest}`);
    }
    writeFileSync(`${file}.partial`, bytes);
    renameSync(`${file}.partial`, file);
  }
  return files;
}

/**
 * Unpacks an archive into `<dir>/<name>-<version>/` (replacing what was there) and checks that it is
 * the chart asked for; returns that folder, what `cnilab:chartDirs` names.
 */
export async function unpackChart(archive: string, chart: Pick<ChartRef, "name" | "version">, dir: string): Promise<string> {
  const target = join(dir, `${chart.name}-${chart.version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  await runOrThrow("tar", ["-xzf", archive, "-C", target, "--strip-components=1"], process.env, 60_000, `unpacking ${archive}`);
  const meta = (parseYaml(readFileSync(join(target, "Chart.yaml"), "utf8")) ?? {}) as { name?: unknown; version?: unknown };
  if (meta.name !== chart.name || meta.version !== chart.version) {
    throw new Error(`${archive} holds chart ${String(meta.name)} ${String(meta.version)}, not ${chart.name} ${chart.version}`);
  }
  return target;
}

/**
 * The charts a workshop installs, fetched once into `dir` (archives kept in `dir/archives`) and
 * unpacked there; returns chart name → folder, what each participant's `cnilab:chartDirs` names.
 */
export async function fetchCharts(charts: readonly ChartRef[], dir: string, timeoutMs: number): Promise<Record<string, string>> {
  const archives = await fetchChartArchives(charts, join(dir, "archives"), timeoutMs);
  const dirs: Record<string, string> = {};
  for (const c of charts) dirs[c.name] = await unpackChart(archives.get(c)!, c, dir);
  return dirs;
}
