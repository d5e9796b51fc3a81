/**
 * `--from-bundle`: a bundle's images written into the storage of each host's running caches, and its
 * charts unpacked into the workshop's folder. Each cache gets the images of its own upstream, in the
 * distribution layout (storage.ts), by `docker cp <folder>/. <cache>:<storage>`, which the docker CLI
 * streams to the host's engine: a remote host (DOCKER_HOST) works the same as the local one.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { manifestPath } from "../../host/manifests";
import { dockerExecutable } from "../../host/kind";
import type { RegistryCachePlan } from "../cache/types";
import { unpackChart } from "./charts";
import type { OpenedBundle } from "./file";
import { runOrThrow } from "../../host/run";
import { storageEntries, writeStorage } from "./storage";

/** The environment the docker CLI needs to reach a cache's host. */
export function hostEnv(env: NodeJS.ProcessEnv, plan: RegistryCachePlan): NodeJS.ProcessEnv {
  return plan.host.dockerHost ? { ...env, DOCKER_HOST: plan.host.dockerHost } : env;
}

/** Registries the bundle has images of that no cache of `plan` proxies (they could not be served). */
export function uncachedRegistries(bundle: OpenedBundle, plan: RegistryCachePlan): string[] {
  const cached = new Set(plan.containers.map((c) => c.upstream as string));
  return [...new Set(bundle.manifest.images.map((i) => i.domain))].filter((d) => !cached.has(d)).sort();
}

/** Writes the bundle's images into every cache of every host; one progress line per cache. */
export async function loadIntoCaches(bundle: OpenedBundle, caches: readonly RegistryCachePlan[], env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<void> {
  for (const plan of caches) {
    const missing = uncachedRegistries(bundle, plan);
    if (missing.length > 0) throw new Error(`the bundle holds images of ${missing.join(", ")}, which no cache on host ${plan.host.id} proxies`);
  }
  const docker = dockerExecutable(env);
  for (const plan of caches) {
    for (const c of plan.containers) {
      const images = bundle.manifest.images.filter((i) => i.domain === c.upstream);
      if (images.length === 0) continue;
      const staged = join(bundle.dir, "storage", c.upstream);
      writeStorage(staged, storageEntries(images), bundle.blobs);
      const running = await runOrThrow(docker, ["inspect", "-f", "{{.State.Running}}", c.name], hostEnv(env, plan), 60_000, `the cache ${c.name} on host ${plan.host.id}`);
      if (running.trim() !== "true") throw new Error(`the cache ${c.name} on host ${plan.host.id} is not running; start the workshop's caches first`);
      await runOrThrow(docker, ["cp", `${staged}/.`, `${c.name}:${c.storageDir}`], hostEnv(env, plan), 30 * 60_000, `loading ${c.upstream} images into ${c.name}`);
      progress(`host ${plan.host.id}: ${images.length} ${c.upstream} image(s) into ${c.name}`);
    }
  }
}

/** Puts each upstream manifest where `up` looks for it (host/manifests.ts manifestPath), already checked. */
export function placeBundleManifests(bundle: OpenedBundle, env: NodeJS.ProcessEnv, cwd: string): string[] {
  return bundle.manifest.manifests.map((m) => {
    const target = manifestPath(m, env, cwd);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(bundle.dir, m.file), target);
    return target;
  });
}

/** Unpacks every chart of the bundle into `dir`; returns chart name → folder (`cnilab:chartDirs`). */
export async function unpackBundleCharts(bundle: OpenedBundle, dir: string): Promise<Record<string, string>> {
  const dirs: Record<string, string> = {};
  for (const c of bundle.manifest.charts) dirs[c.name] = await unpackChart(join(bundle.dir, c.file), c, dir);
  return dirs;
}
