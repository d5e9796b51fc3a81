import { spawn, execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRrLog } from "../../perf/parse";
import { bundleRr } from "../../perf/rr-bundle";

/** The bundled cnilab-rr, as the pods run it (`node rr.js …`), on loopback. */
let dir: string;
let server: ReturnType<typeof spawn> | undefined;
const ports = { rr: 0, crr: 0 };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cnilab-rr-"));
  writeFileSync(join(dir, "rr.js"), bundleRr());
  ports.rr = await freePort();
  ports.crr = await freePort();
  server = spawn(process.execPath, [join(dir, "rr.js"), "serve", "--rr-port", String(ports.rr), "--crr-port", String(ports.crr)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("cnilab-rr server did not start within 5 s")), 5000);
    server!.stdout!.once("data", () => {
      clearTimeout(timer);
      resolve();
    });
  });
});
afterAll(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const client = (args: string[]) =>
  new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [join(dir, "rr.js"), "client", ...args], { timeout: 20_000 }, (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }));
  });

describe("cnilab-rr", () => {
  it("measures ping-pong latency and connection rate, one JSON line per repetition, warm-ups marked rep 0", async () => {
    const r = await client(["--to", "127.0.0.1", "--rr-port", String(ports.rr), "--crr-port", String(ports.crr), "--tests", "tcp-rr,tcp-crr", "--seconds", "1", "--reps", "2", "--warmup", "1"]);
    expect(r.code).toBe(0);
    const log = parseRrLog(r.stdout);
    expect(log.problems).toEqual([]);
    expect(log.runs.map((x) => [x.test, x.rep])).toEqual([["tcp-rr", 0], ["tcp-rr", 1], ["tcp-rr", 2], ["tcp-crr", 0], ["tcp-crr", 1], ["tcp-crr", 2]]);
    for (const run of log.runs) {
      expect(run.p50Us).toBeGreaterThan(0);
      expect(run.p99Us).toBeGreaterThanOrEqual(run.p50Us);
    }
    expect(log.runs.filter((x) => x.test === "tcp-crr").every((x) => x.connectRate! > 100)).toBe(true);
  });

  it("a refused port is reported per repetition and the exit code is 1", async () => {
    const closed = await freePort();
    const r = await client(["--to", "127.0.0.1", "--rr-port", String(closed), "--tests", "tcp-rr", "--seconds", "1", "--reps", "1", "--warmup", "0"]);
    expect(r.code).toBe(1);
    expect(parseRrLog(r.stdout).problems).toEqual([`tcp-rr rep 1: connect ECONNREFUSED 127.0.0.1:${closed}`]);
  });
});
