import { execFile } from "node:child_process";
import * as dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { builtinModules } from "node:module";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { buildProbeBundle } from "../../probe/bundle";
import { readProbeLog } from "../../probe/parse";
import type { ProbeSpec } from "../../probe/types";

// Loopback only, so these run without root; the namespace tests (netns.test.ts) cover the network outcomes.
const work = mkdtempSync(join(tmpdir(), "cnilab-probe-bundle-"));
const bundle = buildProbeBundle();
const bundleFile = join(work, "probe.js");
writeFileSync(bundleFile, bundle.code);

const closers: Array<() => void> = [];
const ports = { tcp: 0, udp: 0, http: 0, closed: 0 };

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  closers.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  ports.tcp = await listen(net.createServer((s) => s.end()));
  ports.http = await listen(http.createServer((_, res) => res.writeHead(418).end()));
  const udp = dgram.createSocket("udp4");
  udp.on("message", (m, from) => m.toString() === "hostname" && udp.send("loopback-host", from.port, from.address));
  await new Promise<void>((ok) => udp.bind(0, "127.0.0.1", ok));
  closers.push(() => udp.close());
  ports.udp = udp.address().port;
  // A port that was free a moment ago: nothing listens there, TCP gets RST and UDP gets ICMP.
  const spare = net.createServer();
  ports.closed = await listen(spare);
  spare.close();
});
afterAll(() => {
  for (const close of closers) close();
  rmSync(work, { recursive: true, force: true });
});

function runBundle(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [bundleFile, ...args], { timeout: 20_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code) : 0, stdout, stderr }),
    ),
  );
}

function planFile(probes: ProbeSpec[]): string {
  const file = join(work, `plan-${probes.map((p) => p.id).join("-")}.json`);
  writeFileSync(file, JSON.stringify({ probes }));
  return file;
}

const spec = (id: string, port: number, protocol: ProbeSpec["protocol"]): ProbeSpec => ({ id, to: "127.0.0.1", port, protocol, timeoutMs: 2000, attempts: 1 });

describe("the bundled probe", () => {
  it("is one file built only from probe/, the pure ip/cidr.ts and Node builtins", () => {
    expect(bundle.inputs.every((f) => f.startsWith("probe/") || f === "ip/cidr.ts")).toBe(true);
    expect(bundle.inputs).toContain("probe/main.ts");
    const required = [...bundle.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? "");
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !builtinModules.includes(name.replace(/^node:/, "")))).toEqual([]);
  });

  it("runs with node on a plan and prints lines the log reader accepts", async () => {
    const probes = [spec("tcp", ports.tcp, "tcp"), spec("udp", ports.udp, "udp"), spec("http", ports.http, "http"), spec("tcp-closed", ports.closed, "tcp"), spec("udp-closed", ports.closed, "udp")];
    const run = await runBundle(["--plan", planFile(probes)]);
    expect(run.code).toBe(0);
    const reading = readProbeLog(run.stdout, probes.map((p) => p.id));
    expect(reading.noiseLines).toBe(0);
    expect(reading.summary).toMatchObject({ total: 5, connected: 3, failed: 2 });
    expect(reading.results.map(({ id, outcome, detail }) => ({ id, outcome, detail }))).toEqual([
      { id: "tcp", outcome: "connected", detail: undefined },
      { id: "udp", outcome: "connected", detail: "reply: loopback-host" },
      { id: "http", outcome: "connected", detail: "HTTP 418" },
      { id: "tcp-closed", outcome: "refused", detail: undefined },
      { id: "udp-closed", outcome: "refused", detail: undefined },
    ]);
  });

  it("exits 2 with a usage line when --plan is missing or the file is unreadable", async () => {
    expect(await runBundle([])).toMatchObject({ code: 2, stdout: "", stderr: expect.stringContaining("--plan FILE is required") });
    const missing = await runBundle(["--plan", join(work, "nope.json")]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining(`the plan file ${join(work, "nope.json")} does not exist`) });
    expect(await runBundle(["--plan", planFile([]), "--concurrency", "0"])).toMatchObject({ code: 2 });
  });
});

describe("cnilab probe", () => {
  it("runs the same program through the CLI, relative to the working directory", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const file = planFile([spec("via-cli", ports.tcp, "tcp")]);
    const code = await main(["probe", "--plan", file.slice(work.length + 1)], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: work, env: {} });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join("")).toMatch(/^\{"id":"via-cli","ok":true,"outcome":"connected","latencyMs":\d+,"attempts":1\}\n\{"summary":true,"total":1,"connected":1,"failed":0,"durationMs":\d+\}\n$/);
  });
});
