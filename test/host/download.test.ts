/**
 * downloadVerified against a loopback server that sends its body in pieces: progress as bytes arrive,
 * the sum checked at the end, and a server that stops sending given up on after the stall bound.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { ChecksumMismatch, DownloadError, downloadVerified } from "../../host/download";

const BODY = Buffer.alloc(4 * 65_536, 7);
const SUM = createHash("sha256").update(BODY).digest("hex");
let server: Server;
let dir: string;

/** Serves BODY in four pieces; with `stallAfter`, stops after that many pieces and never ends. */
async function serve(stallAfter?: number): Promise<string> {
  server = createServer(async (_req, res) => {
    res.writeHead(200, { "content-length": BODY.length });
    for (let i = 0; i < 4; i++) {
      if (i === stallAfter) return;
      res.write(BODY.subarray(i * 65_536, (i + 1) * 65_536));
      await new Promise((r) => setTimeout(r, 20));
    }
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  dir = mkdtempSync(join(tmpdir(), "cnilab-download-"));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/asset`;
}
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it("writes the file, reports bytes as they arrive with the total, and checks the sum", async () => {
  const url = await serve();
  const seen: [number, number | undefined][] = [];
  const file = join(dir, "asset");
  expect(await downloadVerified({ url, sha256: SUM, file, onBytes: (r, t) => seen.push([r, t]) })).toBe(BODY.length);
  expect(readFileSync(file).equals(BODY)).toBe(true);
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(seen.at(-1)).toEqual([BODY.length, BODY.length]);
  expect(seen.every(([r], i) => i === 0 || r > seen[i - 1]![0])).toBe(true);

  const wrong = "0".repeat(64);
  const err = await downloadVerified({ url, sha256: wrong, file: join(dir, "again") }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ChecksumMismatch);
  expect(err).toMatchObject({ expected: wrong, actual: SUM, url });
});

it("gives up on a server that stops sending, after the stall bound", async () => {
  const url = await serve(2);
  const err = await downloadVerified({ url, sha256: SUM, file: join(dir, "asset"), stallMs: 300 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DownloadError);
  expect((err as Error).message).toBe("no data for 0.3 s");
}, 10_000);
