/**
 * Pull once, and bundle → load → pull, for real: two "upstream" registries (Debian's docker-registry,
 * the distribution registry 2.8) on loopback hold images made here with `docker import` — one behind
 * a two-platform index, one by tag only — and a loopback chart repository serves a chart. Caches run
 * as real Docker containers with the env planRegistryCache gives them (the registry binary of the
 * same package, in an image made with `docker import`), upstreams pointed at the loopback ones:
 * - proxy mode: the engine pulls through the cache; with the upstream gone, it pulls again from the
 *   cache's storage;
 * - the bundle is written from the upstreams; they stop (a venue without internet); offline caches
 *   get the bundle loaded (`--from-bundle`) and the engine pulls every image from them.
 * Every address is loopback.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkshopBundle } from "../../cli/workshop-bundle";
import { openBundle, sha256, writeBundle, type BundleManifest } from "../../workshop/bundle";
import { planRegistryCache, type CacheContainer, type RegistryCachePlan } from "../../workshop/cache";
import { manifestPath } from "../../host/manifests";
import type { ManifestPin } from "../../pins/versions";
import { dockerdReachable } from "../cluster/kind-binary";
import { freePort, freePortRun } from "../helpers/ports";
import { REGISTRY, registryMissing } from "../helpers/registry";

const missing = registryMissing() ?? (dockerdReachable() ? undefined : "no Docker daemon reachable (.ci/start-dockerd.sh)");
if (missing) console.log(`skipping: workshop bundle → load → pull for real: ${missing}`);

const ID = `t${process.pid}`;
const WORKSHOP = `bundle-${ID}`;
const dir = mkdtempSync(join(tmpdir(), "cnilab-bundle-real-"));
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] }).trim();
const made = { images: [] as string[], containers: [] as string[], volumes: [] as string[] };
const pulled: string[] = [];

async function startRegistry(name: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const config = join(dir, `${name}.yml`);
  writeFileSync(config, `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, name)}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const proc = spawn(REGISTRY, ["serve", config], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 200));
  return { url, process: proc };
}

/** A tiny image from a folder: busybox and one file that tells the variants apart. */
function importImage(tag: string, marker: string): void {
  const root = join(dir, `rootfs-${marker}`);
  mkdirSync(join(root, "bin"), { recursive: true });
  copyFileSync("/bin/busybox", join(root, "bin", "busybox"));
  writeFileSync(join(root, "marker"), `${marker}\n`);
  execFileSync("sh", ["-c", `tar -C '${root}' -c . | docker import - '${tag}'`], { timeout: 60_000, stdio: "ignore" });
  made.images.push(tag);
}

async function manifestOf(base: string, repo: string, ref: string): Promise<{ digest: string; size: number; config: string }> {
  const res = await fetch(`${base}/v2/${repo}/manifests/${ref}`, { headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" }, signal: AbortSignal.timeout(5000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { digest: sha256(bytes), size: bytes.length, config: (JSON.parse(bytes.toString()) as { config: { digest: string } }).config.digest };
}

/** The registry binary of Debian's package, alone with its libc, as a cache image; its config file is overridden by the plan's env. */
function buildCacheImage(): string {
  const rootfs = join(dir, "registry-rootfs");
  for (const f of [REGISTRY, "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]) {
    mkdirSync(join(rootfs, f, ".."), { recursive: true });
    copyFileSync(f, join(rootfs, f));
  }
  mkdirSync(join(rootfs, "etc"), { recursive: true });
  // As the pinned image's config: debug on :5001, which the plan's env must switch off for caches to share the host network.
  writeFileSync(join(rootfs, "etc", "registry.yml"), "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /tmp/unset\nhttp:\n  addr: :5000\n  debug:\n    addr: :5001\n");
  const image = `cnilab-test-cache-registry:${ID}`;
  execFileSync("sh", ["-c", `tar -C '${rootfs}' -c . | docker import - '${image}'`], { timeout: 60_000, stdio: "ignore" });
  made.images.push(image);
  return image;
}
let cacheImage = "";

/** Runs one planned cache as the component would (host network, its env, its volume); `upstream` replaces the internet one. */
async function runCache(c: CacheContainer, upstream?: string): Promise<void> {
  const env = c.env.map((e) => (upstream && e.startsWith("REGISTRY_PROXY_REMOTEURL=") ? `REGISTRY_PROXY_REMOTEURL=${upstream}` : e));
  expect(env.some((e) => e.startsWith("REGISTRY_PROXY_REMOTEURL=https://")), "no test cache may reach out").toBe(false);
  made.volumes.push(c.name);
  made.containers.push(c.name);
  docker("run", "-d", "--name", c.name, "--network", "host", ...env.flatMap((e) => ["-e", e]), "-v", `${c.name}:${c.storageDir}`, cacheImage, REGISTRY, "serve", "/etc/registry.yml");
  const url = `http://127.0.0.1:${c.port}/v2/`;
  for (let i = 0; i < 50 && !(await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 200));
  expect(docker("inspect", "-f", "{{.State.Running}}", c.name), `${c.name}: ${docker("logs", "--tail", "3", c.name)}`).toBe("true");
}

describe.skipIf(missing !== undefined)("workshop caches for real: pull once, and bundle → load → pull", () => {
  let hub: { url: string; process: ChildProcess };
  let quay: { url: string; process: ChildProcess };
  let charts: Server;
  let manifest: BundleManifest;
  let cache: RegistryCachePlan;
  let proxyCache: RegistryCachePlan;
  let proxied = "";
  let manifestPin: ManifestPin;
  const MANIFEST_TEXT = "kind: List\napiVersion: v1\nitems: []\n";
  let amd64: { digest: string; size: number; config: string };
  let arm64: { digest: string; size: number; config: string };
  let indexDigest = "";
  const out = join(dir, "workshop.bundle");

  beforeAll(async () => {
    hub = await startRegistry("hub");
    quay = await startRegistry("quay");
    const hubHost = hub.url.replace("http://", "");
    const quayHost = quay.url.replace("http://", "");
    importImage(`${hubHost}/library/cnilab-bundle-test:amd64`, "amd64");
    importImage(`${hubHost}/library/cnilab-bundle-test:arm64`, "arm64");
    importImage(`${quayHost}/cnilab/plain:1`, "plain");
    for (const tag of made.images) docker("push", tag);
    amd64 = await manifestOf(hub.url, "library/cnilab-bundle-test", "amd64");
    arm64 = await manifestOf(hub.url, "library/cnilab-bundle-test", "arm64");
    const list = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
      manifests: [
        { mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: amd64.digest, size: amd64.size, platform: { architecture: "amd64", os: "linux" } },
        { mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: arm64.digest, size: arm64.size, platform: { architecture: "arm64", os: "linux" } },
      ],
    }));
    indexDigest = sha256(list);
    const put = await fetch(`${hub.url}/v2/library/cnilab-bundle-test/manifests/v1`, { method: "PUT", body: list, headers: { "content-type": "application/vnd.docker.distribution.manifest.list.v2+json" }, signal: AbortSignal.timeout(5000) });
    expect(put.status).toBe(201);

    // A chart repository: index.yaml with a relative URL and the archive's digest (as `helm repo index` writes).
    const chartSrc = join(dir, "chart-src", "flannel");
    mkdirSync(join(chartSrc, "templates"), { recursive: true });
    writeFileSync(join(chartSrc, "Chart.yaml"), "apiVersion: v2\nname: flannel\nversion: v0.28.9\n");
    execFileSync("tar", ["-czf", join(dir, "flannel-v0.28.9.tgz"), "-C", join(dir, "chart-src"), "flannel"]);
    const tgz = readFileSync(join(dir, "flannel-v0.28.9.tgz"));
    const index = `apiVersion: v1\nentries:\n  flannel:\n  - name: flannel\n    version: v0.28.9\n    urls: [archives/flannel-v0.28.9.tgz]\n    digest: ${sha256(tgz).slice(7)}\n`;
    charts = createHttpServer((req, res) => {
      if (req.url === "/repo/index.yaml") res.end(index);
      else if (req.url === "/raw/canal.yaml") res.end(MANIFEST_TEXT);
      else if (req.url === "/repo/archives/flannel-v0.28.9.tgz") res.end(tgz);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => charts.listen(0, "127.0.0.1", r));
    const repo = `http://127.0.0.1:${(charts.address() as { port: number }).port}/repo`;
    manifestPin = { name: "canal", version: `t${ID}`, url: repo.replace(/repo$/, "raw/canal.yaml"), sha256: sha256(MANIFEST_TEXT).slice(7), bytes: MANIFEST_TEXT.length };

    // A cache in proxy mode in front of the loopback docker.io, used once while it is up.
    cacheImage = buildCacheImage();
    proxyCache = planRegistryCache(`${WORKSHOP}-p`, { id: "local", address: "127.0.0.1", cachePortBase: await freePortRun(5) });
    await runCache(proxyCache.containers.find((c) => c.upstream === "docker.io")!, hub.url);
    proxied = `127.0.0.1:${proxyCache.containers[0]!.port}/library/cnilab-bundle-test@${amd64.digest}`;
    docker("pull", proxied);
    pulled.push(proxied);

    manifest = await writeBundle({
      workshop: WORKSHOP,
      images: [`docker.io/library/cnilab-bundle-test:v1@${indexDigest}`, "quay.io/cnilab/plain:1"],
      charts: [{ name: "flannel", version: "v0.28.9", repo }],
      manifests: [manifestPin],
      out,
      platforms: ["linux/amd64"],
      timeoutMs: 30_000,
      endpoint: (domain) => ({ "docker.io": hub.url, "quay.io": quay.url })[domain]!,
      progress: () => undefined,
    });

    // The venue: no upstream registry, no chart repository.
    hub.process.kill();
    quay.process.kill();
    await new Promise((r) => charts.close(r));

    // The venue's caches: offline mode, as `--from-bundle` plans them.
    cache = planRegistryCache(WORKSHOP, { id: "local", address: "127.0.0.1", cachePortBase: await freePortRun(5) }, "offline");
    for (const c of cache.containers.filter((c) => c.upstream === "docker.io" || c.upstream === "quay.io")) await runCache(c);
  }, 240_000);

  afterAll(() => {
    hub?.process.kill();
    quay?.process.kill();
    for (const c of made.containers) docker("rm", "-f", c);
    for (const v of made.volumes) docker("volume", "rm", "-f", v);
    for (const i of [...made.images, ...pulled]) execFileSync("docker", ["rmi", "-f", i], { stdio: "ignore", timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("proxy mode: what was pulled through the cache once is pulled again from it with the upstream gone", () => {
    docker("rmi", proxied);
    docker("pull", proxied);
    expect(docker("image", "inspect", "-f", "{{.Id}}", proxied)).toBe(amd64.config);
  }, 120_000);

  it("the bundle holds the index and the amd64 image only, the tag-only image by the digest its tag had, the chart and the manifest", async () => {
    const [indexed, plain] = manifest.images;
    expect(indexed).toMatchObject({ domain: "docker.io", path: "library/cnilab-bundle-test", tag: "v1", digest: indexDigest, manifests: [indexDigest, amd64.digest] });
    expect(indexed!.blobs).toContain(amd64.config);
    expect(indexed!.blobs).not.toContain(arm64.config);
    expect(plain).toMatchObject({ domain: "quay.io", path: "cnilab/plain", tag: "1" });
    expect(manifest.charts).toEqual([expect.objectContaining({ name: "flannel", version: "v0.28.9", file: "charts/flannel-v0.28.9.tgz" })]);
    expect(manifest.manifests).toEqual([{ ...manifestPin, file: `manifests/canal-t${ID}.yaml` }]);
    const opened = await openBundle(out, join(dir, "opened"));
    expect(opened.manifest).toEqual(manifest);
  });

  it("a damaged bundle is refused naming the blob", async () => {
    const damaged = join(dir, "damaged");
    mkdirSync(damaged);
    execFileSync("tar", ["-xf", out, "-C", damaged]);
    const blob = join(damaged, "blobs", "sha256", amd64.config.slice(7));
    writeFileSync(blob, "not the config\n");
    execFileSync("tar", ["-cf", join(dir, "damaged.bundle"), "-C", damaged, "."]);
    await expect(openBundle(join(dir, "damaged.bundle"), join(dir, "damaged-open"))).rejects.toThrow(`blobs/sha256/${amd64.config.slice(7)} is damaged`);
  });

  it("--from-bundle loads the caches and unpacks the chart; Docker then pulls every image from its cache with no upstream", async () => {
    const state = join(dir, "state");
    const lines: string[] = [];
    const io = { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t), cwd: dir, env: { ...process.env, CNILAB_STATE: state } };
    const chartDirs = await loadWorkshopBundle({ workshop: WORKSHOP, file: out, caches: [cache] }, io);
    expect(lines.join("")).toContain(`host local: 1 docker.io image(s) into cnilab-cache-${WORKSHOP}-local-docker-io`);
    expect(chartDirs).toEqual({ flannel: join(state, "workshops", WORKSHOP, "charts", "flannel-v0.28.9") });
    expect(existsSync(join(chartDirs.flannel!, "Chart.yaml"))).toBe(true);
    // The upstream manifest is where `up` reads it, so no download happens at the venue.
    expect(readFileSync(manifestPath(manifestPin, io.env, io.cwd), "utf8")).toBe(MANIFEST_TEXT);

    const hubCache = cache.containers.find((c) => c.upstream === "docker.io")!;
    const quayCache = cache.containers.find((c) => c.upstream === "quay.io")!;
    const byDigest = `127.0.0.1:${hubCache.port}/library/cnilab-bundle-test@${indexDigest}`;
    const byTag = `127.0.0.1:${quayCache.port}/cnilab/plain:1`;
    pulled.push(byDigest, byTag);
    docker("pull", byDigest);
    // The amd64 variant (this machine's), whose image ID is its config's digest.
    expect(docker("image", "inspect", "-f", "{{.Id}}", byDigest)).toBe(amd64.config);
    docker("pull", byTag);
    expect(docker("run", "--rm", byTag, "/bin/busybox", "cat", "/marker")).toBe("plain");
  }, 180_000);
});
