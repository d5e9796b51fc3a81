/**
 * loadManifest: a kept copy is used only when its sha256 is the pinned one; otherwise the pinned URL
 * (here a loopback server) fills it, checked on the way, and bytes with another sum are never kept.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ChecksumMismatch } from "../../host/download";
import { loadManifest, manifestPath } from "../../host/manifests";

const TEXT = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
const SUM = createHash("sha256").update(TEXT).digest("hex");
let dir: string;
let server: Server | undefined;
let served = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cnilab-manifests-"));
  served = 0;
});
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function serve(body: string): Promise<string> {
  server = createServer((_req, res) => {
    served++;
    res.end(body);
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/canal.yaml`;
}

const pin = (url: string) => ({ name: "canal", version: "v0", url, sha256: SUM, bytes: TEXT.length });

it("downloads the pinned URL once into the state directory, then reads the kept copy", async () => {
  const url = await serve(TEXT);
  const file = join(dir, "manifests", "canal-v0.yaml");
  expect(await loadManifest(pin(url), { file })).toBe(TEXT);
  expect(readFileSync(file, "utf8")).toBe(TEXT);
  expect(await loadManifest(pin(url), { file })).toBe(TEXT);
  expect(served).toBe(1);
});

it("refuses bytes whose sum is not the pinned one and keeps nothing", async () => {
  const url = await serve(TEXT + "# changed upstream\n");
  const file = join(dir, "manifests", "canal-v0.yaml");
  const err = await loadManifest(pin(url), { file }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ChecksumMismatch);
  expect(err).toMatchObject({ url, expected: SUM });
  expect(existsSync(file)).toBe(false);
  expect(existsSync(`${file}.partial`)).toBe(false);
});

it("refuses a kept copy with another sum, naming the file, without downloading", async () => {
  const url = await serve(TEXT);
  const file = join(dir, "canal-v0.yaml");
  writeFileSync(file, "edited by hand\n");
  await expect(loadManifest(pin(url), { file })).rejects.toThrow(`sha256 of ${file} is ${createHash("sha256").update("edited by hand\n").digest("hex")}, expected ${SUM}`);
  expect(served).toBe(0);
});

it("a URL that does not answer is an error naming it and where to put the file by hand", async () => {
  const url = await serve(TEXT);
  const gone = url.replace("/canal.yaml", "/missing");
  server!.removeAllListeners("request");
  server!.on("request", (_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const file = join(dir, "canal-v0.yaml");
  await expect(loadManifest(pin(gone), { file })).rejects.toThrow(`cannot fetch ${gone}: HTTP 404 Not Found; on a machine that reaches no GitHub, copy that file (sha256 ${SUM}) to ${file}`);
  expect(existsSync(file)).toBe(false);
});

it("keeps manifests in the state directory's manifests folder, named by name and version", () => {
  expect(manifestPath({ name: "canal", version: "v3.32.1" }, { CNILAB_STATE: "/s" }, "/")).toBe("/s/manifests/canal-v3.32.1.yaml");
});
