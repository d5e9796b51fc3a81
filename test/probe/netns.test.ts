import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProbeLab, NAMES, netnsUnavailable, PORTS } from "../../probe/netns-lab";
import type { ProbeLab } from "../../probe/netns-lab";
import type { ProbeProtocol, ProbeSpec } from "../../probe/types";

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`[skip] probe namespace tests: ${unavailable}`);

function probe(id: string, to: string, port: number, protocol: ProbeProtocol, timeoutMs = 1000, attempts = 1): ProbeSpec {
  return { id, to, port, protocol, timeoutMs, attempts };
}

describe.skipIf(unavailable !== undefined)("the bundled probe between network namespaces", () => {
  let lab: ProbeLab;
  let ip: string;
  beforeAll(async () => {
    lab = await createProbeLab("rt", 41);
    ip = lab.serverIp;
  });
  afterAll(() => lab?.close());

  it("connects to healthy TCP, UDP (agnhost-style reply) and HTTP targets, by IP and by DNS name", async () => {
    const run = await lab.run({
      probes: [
        probe("tcp", ip, PORTS.tcp, "tcp"),
        probe("udp", ip, PORTS.udp, "udp"),
        probe("http", ip, PORTS.http, "http"),
        probe("tcp-by-name", NAMES.web, PORTS.tcp, "tcp"),
      ],
    });
    expect(run.code).toBe(0);
    const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
    expect(byId.tcp).toMatchObject({ ok: true, outcome: "connected", attempts: 1 });
    expect(byId.udp).toMatchObject({ ok: true, outcome: "connected", attempts: 1, detail: `reply: probe-lab-${PORTS.udp}` });
    expect(byId.http).toMatchObject({ ok: true, outcome: "connected", attempts: 1, detail: "HTTP 200" });
    expect(byId["tcp-by-name"]).toMatchObject({ ok: true, outcome: "connected" });
    expect(run.summary).toMatchObject({ summary: true, total: 4, connected: 4, failed: 0 });
    // The summary is the last line, after every result.
    expect(run.stdout.trim().split("\n").at(-1)).toContain('"summary":true');
  });

  it("reports iptables DROP as timeout, after about timeoutMs, for TCP, UDP and HTTP", async () => {
    const run = await lab.run({
      probes: [
        probe("tcp", ip, PORTS.tcpDropped, "tcp", 700),
        probe("udp", ip, PORTS.udpDropped, "udp", 700),
        probe("http", ip, PORTS.httpDropped, "http", 700),
      ],
    });
    for (const result of run.results) {
      expect(result).toMatchObject({ ok: false, outcome: "timeout", attempts: 1 });
      expect(result.latencyMs).toBeGreaterThanOrEqual(690);
      expect(result.latencyMs).toBeLessThan(1500);
    }
    expect(run.results).toHaveLength(3);
  });

  it("reports iptables REJECT (tcp-reset, icmp-port-unreachable) as refused, at once", async () => {
    const run = await lab.run({
      probes: [
        probe("tcp-reset", ip, PORTS.tcpReset, "tcp"),
        probe("tcp-icmp", ip, PORTS.tcpIcmpRejected, "tcp"),
        probe("udp-icmp", ip, PORTS.udpRejected, "udp"),
        probe("http-reset", ip, PORTS.tcpReset, "http"),
      ],
    });
    expect(run.results).toHaveLength(4);
    for (const result of run.results) {
      expect(result, result.id).toMatchObject({ ok: false, outcome: "refused" });
      expect(result.latencyMs).toBeLessThan(500);
    }
  });

  it("reports a missing route as no-route; an unanswered neighbour as no-route after ~3 s, else timeout", async () => {
    // The isolated namespace has only loopback: connect() fails at once with ENETUNREACH.
    const isolated = await lab.run({ probes: [probe("no-route", ip, PORTS.tcp, "tcp")] }, { ns: lab.isolated });
    expect(isolated.results[0]).toMatchObject({ ok: false, outcome: "no-route" });
    expect(isolated.results[0]?.latencyMs).toBeLessThan(200);
    // An on-link address nobody holds: the kernel sends 3 ARP probes 1 s apart (neigh mcast_solicit=3,
    // retrans_time=1s defaults), then fails the connect with EHOSTUNREACH. A shorter timeout wins first.
    const absent = await lab.run({
      probes: [probe("patient", lab.absentIp, PORTS.tcp, "tcp", 6000), probe("impatient", lab.absentIp, PORTS.tcp, "tcp", 1000)],
    });
    const byId = Object.fromEntries(absent.results.map((r) => [r.id, r]));
    expect(byId.patient).toMatchObject({ ok: false, outcome: "no-route" });
    expect(byId.patient?.latencyMs).toBeGreaterThan(2000);
    expect(byId.patient?.latencyMs).toBeLessThan(5000);
    expect(byId.impatient).toMatchObject({ ok: false, outcome: "timeout" });
  }, 20_000);

  it("reports unknown, unanswered and unresolvable names as dns-error, never as timeout", async () => {
    const run = await lab.run({
      probes: [probe("nxdomain", NAMES.unknown, PORTS.tcp, "tcp"), probe("silent-resolver", NAMES.slow, PORTS.tcp, "tcp", 500)],
    });
    const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
    // glibc turns NXDOMAIN into EAI_NONAME, which Node reports as ENOTFOUND.
    expect(byId.nxdomain).toMatchObject({ ok: false, outcome: "dns-error", detail: `ENOTFOUND: ${NAMES.unknown}` });
    expect(byId["silent-resolver"]).toMatchObject({ outcome: "dns-error", detail: `no answer for ${NAMES.slow} within 500 ms` });
    // No route to the nameserver: glibc gives EAI_AGAIN at once.
    const isolated = await lab.run({ probes: [probe("no-resolver", NAMES.web, PORTS.tcp, "udp")] }, { ns: lab.isolated });
    expect(isolated.results[0]).toMatchObject({ ok: false, outcome: "dns-error", detail: `EAI_AGAIN: ${NAMES.web}` });
  });

  it("retries until connected and reports the attempts used", async () => {
    const run = await lab.run({
      probes: [
        // iptables resets the 1st, 3rd, … SYN to this port: the first attempt is refused, the second connects.
        probe("second-try", ip, PORTS.tcpEveryOther, "tcp", 1000, 3),
        probe("first-try", ip, PORTS.tcp, "tcp", 1000, 3),
        probe("never-dropped", ip, PORTS.tcpDropped, "tcp", 300, 3),
        probe("never-refused", ip, PORTS.tcpReset, "tcp", 300, 2),
      ],
    });
    const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
    expect(byId["second-try"]).toMatchObject({ ok: true, outcome: "connected", attempts: 2 });
    expect(byId["first-try"]).toMatchObject({ ok: true, attempts: 1 });
    expect(byId["never-dropped"]).toMatchObject({ ok: false, outcome: "timeout", attempts: 3 });
    expect(byId["never-refused"]).toMatchObject({ ok: false, outcome: "refused", attempts: 2 });
    // Three 300 ms attempts ran one after another.
    expect(run.summary?.durationMs).toBeGreaterThanOrEqual(890);
  });

  it("bounds time with concurrency: 200 probes, 100 dropped at 1 s, concurrency 50", async () => {
    const probes = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0 ? probe(`ok-${i}`, ip, PORTS.tcp, "tcp") : probe(`drop-${i}`, ip, PORTS.tcpDropped, "tcp"),
    );
    const bounded = await lab.run({ concurrency: 50, probes });
    expect(bounded.summary).toMatchObject({ total: 200, connected: 100, failed: 100 });
    expect(bounded.results.filter((r) => r.outcome === "timeout")).toHaveLength(100);
    // At most 50 drops in flight: at least two 1 s rounds, and far from 100 s run one by one.
    expect(bounded.summary?.durationMs).toBeGreaterThanOrEqual(1950);
    expect(bounded.wallMs).toBeLessThan(15_000);
    // --concurrency overrides the plan: all 100 drops in flight together take about one round.
    const wide = await lab.run({ concurrency: 50, probes }, { args: ["--concurrency", "200"] });
    expect(wide.summary).toMatchObject({ total: 200, connected: 100 });
    expect(wide.summary?.durationMs).toBeLessThan(1950);
  });

  it("exits 2 on a bad plan and names the probe index and field", async () => {
    const run = await lab.run({ probes: [probe("fine", ip, PORTS.tcp, "tcp"), { ...probe("bad", ip, 0, "tcp") }] });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("probes[1].port: must be an integer 1..65535, got 0");
  });

  it("probes Service endpoints at the addresses of the targets file; one it lacks is an error with the reason", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cnilab-targets-"));
    try {
      const targets = join(dir, "targets.json");
      // Index 0 is the server, index 1 an address with no route from the client namespace.
      writeFileSync(targets, JSON.stringify({ "lab/web": [ip, "192.0.2.1"] }));
      const { to: _tcp, ...tcp } = probe("tcp", ip, PORTS.tcp, "tcp");
      const run = await lab.run(
        {
          probes: [
            { ...tcp, id: "web@0", endpoint: { service: "lab/web", index: 0 } },
            { ...tcp, id: "web@2", endpoint: { service: "lab/web", index: 2 } },
            { ...tcp, id: "api@0", endpoint: { service: "lab/api", index: 0 } },
            probe("by-address", ip, PORTS.tcpReset, "tcp"),
          ],
        },
        { args: ["--targets", targets] },
      );
      expect(run.code).toBe(0);
      const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
      expect(byId["web@0"]).toMatchObject({ ok: true, outcome: "connected", attempts: 1 });
      expect(byId["web@2"]).toMatchObject({ outcome: "error", attempts: 0, detail: "endpoint lab/web#2 unresolved: lab/web has 2 ready endpoint(s), none with index 2" });
      expect(byId["api@0"]).toMatchObject({ outcome: "error", detail: "endpoint lab/api#0 unresolved: the targets file has no entry for lab/api" });
      expect(byId["by-address"]).toMatchObject({ outcome: "refused" });
      expect(run.summary).toMatchObject({ total: 4, connected: 1, failed: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
