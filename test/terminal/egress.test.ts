import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleProbe } from "../../probe/bundle";
import { netnsUnavailable } from "../../probe/netns-lab";
import type { ProbeResult } from "../../probe/types";
import { egressRules } from "../../terminal/egress";
import { TERMINAL_ENV } from "../../terminal/env";
import { writeTerminalImageContext } from "../../terminal/image";
import { TERMINAL_UID_BASE } from "../../terminal/plan";

/**
 * The bundled terminal server as its container starts it (root, its egress rules file, then the
 * participant's own uid), in a network namespace standing for the terminal's container, beside one standing for
 * the participant's Docker network and host:
 *
 *   term  10.251.77.254/24 ──veth── net  10.251.77.1 (the network's gateway: the host, its registry cache on :5101)
 *                                         10.251.77.2 (their control-plane node, API server on :6443)
 *                                         10.252.77.2 (another participant's network, API server on :6443)
 *
 * Traffic stays in these namespaces. Outcomes are read with the project's probe program.
 */
const unavailable = netnsUnavailable();
if (unavailable) console.warn(`[skip] terminal egress tests: ${unavailable}`);

const tag = `${process.pid}`;
const TERM = `cnilab-term-${tag}`;
const NET = `cnilab-termnet-${tag}`;
const OWN = { subnet: "10.251.77.0/24", gateway: "10.251.77.1", node: "10.251.77.2", terminal: "10.251.77.254" };
const OTHER_API = "10.252.77.2";
const PORT = 7681;
/** The first participant's id (terminal/plan.ts). */
const UID = TERMINAL_UID_BASE;

const sh = (...args: string[]): string => execFileSync(args[0]!, args.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const inNs = (ns: string, ...args: string[]): string => sh("ip", "netns", "exec", ns, ...args);

let dir: string;
let server: ChildProcess | undefined;
let listeners: ChildProcess | undefined;
const token = "t".repeat(16) + "0123456789abcdef0123456789";

beforeAll(async () => {
  if (unavailable) return;
  dir = mkdtempSync(join(tmpdir(), "cnilab-terminal-egress-"));
  chmodSync(dir, 0o755);
  writeTerminalImageContext(join(dir, "image"));
  writeFileSync(join(dir, "token"), token, { mode: 0o600 });
  writeFileSync(join(dir, "egress.rules"), egressRules(OWN.subnet, OWN.gateway));
  writeFileSync(join(dir, "probe.js"), bundleProbe());
  sh("ip", "netns", "add", TERM);
  sh("ip", "netns", "add", NET);
  sh("ip", "link", "add", `ct${tag}`, "netns", TERM, "type", "veth", "peer", "name", `cn${tag}`, "netns", NET);
  inNs(TERM, "ip", "addr", "add", `${OWN.terminal}/24`, "dev", `ct${tag}`);
  inNs(TERM, "ip", "link", "set", `ct${tag}`, "up");
  inNs(TERM, "ip", "link", "set", "lo", "up");
  inNs(TERM, "ip", "route", "add", "default", "via", OWN.gateway);
  for (const address of [`${OWN.gateway}/24`, `${OWN.node}/24`]) inNs(NET, "ip", "addr", "add", address, "dev", `cn${tag}`);
  inNs(NET, "ip", "link", "set", `cn${tag}`, "up");
  inNs(NET, "ip", "link", "set", "lo", "up");
  inNs(NET, "ip", "addr", "add", `${OTHER_API}/32`, "dev", "lo");
  // Plain TCP listeners for every address of the participant's network side.
  listeners = spawn("ip", ["netns", "exec", NET, process.execPath, "-e", "for (const p of [5101, 6443]) require('net').createServer((s) => s.end()).listen(p, '0.0.0.0')"], { stdio: "ignore" });
  server = spawn("ip", ["netns", "exec", TERM, process.execPath, join(dir, "image", "terminal-server.js")], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      [TERMINAL_ENV.tokenFile]: join(dir, "token"),
      [TERMINAL_ENV.participant]: "p1",
      [TERMINAL_ENV.port]: String(PORT),
      [TERMINAL_ENV.idleMinutes]: "5",
      [TERMINAL_ENV.shell]: "bash",
      [TERMINAL_ENV.assets]: join(dir, "image", "assets"),
      [TERMINAL_ENV.egress]: join(dir, "egress.rules"),
      [TERMINAL_ENV.uid]: String(UID),
    },
  });
  await new Promise<void>((resolve, reject) => {
    let err = "";
    server!.stderr!.on("data", (d) => (err += String(d)));
    server!.stdout!.on("data", (d) => String(d).includes("listening") && resolve());
    server!.on("exit", (code) => reject(new Error(`terminal server exited ${code}: ${err}`)));
  });
}, 60_000);

afterAll(() => {
  if (unavailable) return;
  server?.kill();
  listeners?.kill();
  for (const ns of [TERM, NET]) {
    try {
      sh("ip", "netns", "del", ns);
    } catch {
      // Not created.
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function probeFrom(ns: string, targets: { id: string; to: string; port: number }[]): Record<string, ProbeResult> {
  const plan = join(dir, `plan-${ns}.json`);
  writeFileSync(plan, JSON.stringify({ probes: targets.map((t) => ({ ...t, protocol: "tcp", timeoutMs: 1500, attempts: 1 })) }));
  let out: string;
  try {
    out = inNs(ns, process.execPath, join(dir, "probe.js"), "--plan", plan);
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? "");
  }
  const results = out.split("\n").filter((l) => l.startsWith("{") && !l.includes('"summary"')).map((l) => JSON.parse(l) as ProbeResult);
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

describe.skipIf(unavailable !== undefined)("a terminal's egress, for real in network namespaces", () => {
  it("the server dropped root: the participant's own uid, no effective capability", () => {
    const pid = inNs(TERM, "sh", "-c", `pgrep -f "terminal-server.js" | head -1`).trim();
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    expect(status).toMatch(new RegExp(`^Uid:\\s+${UID}\\s+${UID}`, "m"));
    expect(status).toMatch(/^CapEff:\s+0+$/m);
  });

  it("reaches its own API server; not the host (registry cache), not another participant's API server", () => {
    const results = probeFrom(TERM, [
      { id: "own-api", to: OWN.node, port: 6443 },
      { id: "host-cache", to: OWN.gateway, port: 5101 },
      { id: "other-api", to: OTHER_API, port: 6443 },
    ]);
    expect(results["own-api"]?.outcome).toBe("connected");
    // REJECT with icmp-admin-prohibited: the kernel fails the connect at once (EHOSTUNREACH), no timeout.
    expect(results["host-cache"]?.outcome).toBe("no-route");
    expect(results["other-api"]?.outcome).toBe("no-route");
    // Without the rules the same two would connect (the listeners are up): the rules made the difference.
    const fromNet = probeFrom(NET, [
      { id: "host-cache", to: OWN.gateway, port: 5101 },
      { id: "other-api", to: OTHER_API, port: 6443 },
    ]);
    expect(fromNet["host-cache"]?.outcome).toBe("connected");
    expect(fromNet["other-api"]?.outcome).toBe("connected");
  });

  it("still answers the browser coming in through the published port: health without a token, 401 without it for the page", () => {
    const fetchFrom = (path: string): string =>
      inNs(NET, process.execPath, "-e", `fetch("http://${OWN.terminal}:${PORT}${path}").then(async (r) => console.log(r.status, await r.text()))`);
    expect(fetchFrom("/healthz")).toMatch(/^200 \{"up":true,"lastUsed":null/);
    expect(fetchFrom("/")).toMatch(/^401 /);
    expect(fetchFrom(`/${token}/`)).toMatch(/^200 <!doctype html>/);
  });
});
