import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePlan } from "../../probe/plan";
import { runProbePlan } from "../../probe/run";

/**
 * The two probe kinds the pod-basics and storage labs add: a file read inside the probe's own
 * container (a volume its pod mounts), and a network probe bounded to a CIDR (a Service name must
 * resolve into the service subnet). Files in a temporary folder, traffic to loopback only.
 */
let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cnilab-file-probe-"));
  writeFileSync(join(dir, "marker"), "written by the writer\n");
  server = createServer((socket) => socket.end());
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (id: string, to: string, extra: Record<string, unknown> = {}) => ({ id, to, port: 0, protocol: "file" as const, timeoutMs: 1000, attempts: 1, ...extra });

describe("file probes", () => {
  it("find a file holding the expected text, miss an absent one, and call other text an error", async () => {
    const { results } = await runProbePlan({
      probes: [
        file("same", join(dir, "marker"), { content: "written by the writer" }),
        file("any", join(dir, "marker")),
        file("absent", join(dir, "nothing-here"), { expect: "missing" }),
        file("other", join(dir, "marker"), { content: "something else" }),
      ],
    });
    expect(results.map((r) => [r.id, r.outcome, r.ok])).toEqual([
      ["same", "found", false],
      ["any", "found", false],
      ["absent", "missing", true],
      ["other", "error", false],
    ]);
    expect(results[3]!.detail).toBe(`${join(dir, "marker")} holds "written by the writer", not "something else"`);
  });

  it("are validated: an absolute path, port 0, no within; content only on file probes", () => {
    const check = validatePlan({
      probes: [
        file("rel", "data/marker", { port: 80, within: "10.96.0.0/16" }),
        { id: "net", to: "127.0.0.1", port: 80, protocol: "tcp", timeoutMs: 1000, attempts: 1, content: "x", within: "10.96.0.1/16" },
      ],
    });
    expect(check).toEqual({
      ok: false,
      problems: [
        'probes[0].to: a file probe reads the absolute path given as "to" (no endpoint), got "data/marker"',
        "probes[0].port: a file probe has no port: must be 0, got 80",
        "probes[0].within: only a network probe dials an address; a file probe takes none",
        'probes[1].within: must be an IPv4 CIDR such as "10.96.0.0/16", got "10.96.0.1/16"',
        'probes[1].content: only a file probe reads content; this one is "tcp"',
      ],
    });
  });
});

describe("within", () => {
  it("lets a probe dial an address inside the CIDR and makes one outside an error naming both", async () => {
    const { results } = await runProbePlan({
      probes: [
        { id: "inside", to: "127.0.0.1", port, protocol: "tcp", timeoutMs: 1000, attempts: 1, within: "127.0.0.0/8" },
        { id: "outside", to: "127.0.0.1", port, protocol: "tcp", timeoutMs: 1000, attempts: 1, within: "10.96.0.0/16" },
      ],
    });
    expect(results.map((r) => [r.id, r.outcome, r.detail])).toEqual([
      ["inside", "connected", undefined],
      ["outside", "error", "127.0.0.1 is outside 10.96.0.0/16"],
    ]);
  });
});
