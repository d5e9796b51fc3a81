/**
 * The hosts.toml cnilab writes for `cnilab:registryMirrors`, read by a real containerd: a
 * distribution registry (Debian's docker-registry) on loopback holds a small image pushed here over
 * plain HTTP, and `ctr content fetch --hosts-dir` resolves a reference to another registry host
 * through our file. ctr's --hosts-dir and CRI's config_path go through the same resolver
 * (containerd remotes/docker/config ConfigureHosts). Every address is on loopback; the registry host
 * the reference names is 127.0.0.1:1, where nothing listens, so nothing leaves the machine.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/ports";
import { REGISTRY, registryMissing } from "../helpers/registry";
import { planRegistryMirrors, type RegistryHostsFile } from "../../plan/registry-mirrors";

const run = promisify(execFile);
/** Docker 20.10's own containerd (Debian docker.io); our objects go into a namespace of their own. */
const SOCKET = "/var/run/docker/containerd/containerd.sock";
const NAMESPACE = `cnilab-test-mirrors-${process.pid}`;
const UNREACHABLE_HOST = "127.0.0.1:1";
const REF = `${UNREACHABLE_HOST}/mirror/cnilab-test:v1`;

const missing = registryMissing() ?? (existsSync(SOCKET) ? undefined : `no containerd socket at ${SOCKET} (Docker's containerd; .ci/start-dockerd.sh)`);
if (missing) console.log(`skipping: hosts.toml against a real containerd: ${missing}`);

/** The files as the nodes get them: `<dir>/<host>/hosts.toml` (ctr reads such a folder with --hosts-dir). */
function hostsDir(dir: string, files: readonly RegistryHostsFile[]): string {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(join(dir, f.host), { recursive: true });
    writeFileSync(join(dir, f.host, "hosts.toml"), f.toml);
  }
  return dir;
}

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** A one-file tar archive (ustar), the image's only layer. */
function tarOf(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  const sum = header.reduce((a, b) => a + b, 0);
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, pad, Buffer.alloc(1024)]);
}

/** Pushes a blob by monolithic upload (OCI distribution spec: POST, then PUT with ?digest=). */
async function pushBlob(base: string, repo: string, blob: Buffer): Promise<string> {
  const digest = sha(blob);
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: "POST", signal: AbortSignal.timeout(5000) });
  const location = new URL(start.headers.get("location")!, base);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, { method: "PUT", body: blob, headers: { "content-type": "application/octet-stream" }, signal: AbortSignal.timeout(5000) });
  expect(put.status).toBe(201);
  return digest;
}

const ctr = (...args: string[]) => run("ctr", ["--address", SOCKET, "-n", NAMESPACE, ...args], { timeout: 30_000 });

/** Removes the image and every blob of our namespace, so a fetch has to resolve and download again. */
async function clearNamespace(): Promise<void> {
  await ctr("images", "rm", REF).catch(() => undefined);
  const content = await ctr("content", "ls", "-q").catch(() => ({ stdout: "" }));
  for (const d of content.stdout.split("\n").filter(Boolean)) await ctr("content", "rm", d).catch(() => undefined);
}

describe.skipIf(missing !== undefined)("cnilab:registryMirrors: the hosts.toml cnilab writes, read by a real containerd", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-mirrors-real-"));
  let registry: ChildProcess | undefined;
  let mirror = "";

  beforeAll(async () => {
    const port = await freePort();
    mirror = `http://127.0.0.1:${port}`;
    const config = join(dir, "registry.yml");
    writeFileSync(config, `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn(REGISTRY, ["serve", config], { stdio: "ignore" });
    for (let i = 0; i < 50; i++) {
      const up = await fetch(`${mirror}/v2/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok).catch(() => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const layer = tarOf("hello", "cnilab\n");
    const config_ = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha(layer)] } }));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: await pushBlob(mirror, "mirror/cnilab-test", config_), size: config_.length },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: await pushBlob(mirror, "mirror/cnilab-test", layer), size: layer.length }],
      }),
    );
    const put = await fetch(`${mirror}/v2/mirror/cnilab-test/manifests/v1`, {
      method: "PUT",
      body: manifest,
      headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
      signal: AbortSignal.timeout(5000),
    });
    expect(put.status).toBe(201);
  }, 30_000);

  afterAll(async () => {
    registry?.kill();
    await clearNamespace();
    await run("ctr", ["--address", SOCKET, "namespaces", "rm", NAMESPACE], { timeout: 30_000 }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("without the file the reference's own registry is asked (nothing listens there): the fetch fails", async () => {
    const empty = hostsDir(join(dir, "no-mirrors"), []);
    await expect(ctr("content", "fetch", "--hosts-dir", empty, REF)).rejects.toThrow(/connection refused|failed to resolve|failed to do request/);
  }, 40_000);

  it("with it, the image comes from the plain-HTTP mirror", async () => {
    const hosts = hostsDir(join(dir, "real-test"), planRegistryMirrors({ [UNREACHABLE_HOST]: mirror }));
    await ctr("content", "fetch", "--hosts-dir", hosts, REF);
    const { stdout } = await ctr("images", "ls", "-q");
    expect(stdout.split("\n")).toContain(REF);
  }, 40_000);

  it("_default serves a registry host that has no folder of its own", async () => {
    await clearNamespace();
    const hosts = hostsDir(join(dir, "real-test-default"), planRegistryMirrors({ _default: [mirror] }));
    await ctr("content", "fetch", "--hosts-dir", hosts, REF);
    expect((await ctr("images", "ls", "-q")).stdout.split("\n")).toContain(REF);
  }, 40_000);
});
