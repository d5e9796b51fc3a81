/**
 * A probe lab in network namespaces, for the probe tests and bench/probe.ts. Three namespaces:
 *   client  10.250.N.1/24 ──veth── server 10.250.N.2/24  (listeners, iptables rules, a DNS server)
 *   isolated  loopback only: no route to anything
 * Traffic never leaves these namespaces. Needs root, iproute2 and iptables (Debian packages
 * `iproute2`, `iptables`).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleProbe } from "./bundle";
import type { ProbePlan, ProbeResult, ProbeSummary } from "./types";

/** Server ports, each with the behaviour the server namespace's iptables gives it. */
export const PORTS = {
  tcp: 8080,
  udp: 8081,
  http: 8082,
  /** A TCP listener behind DROP. */
  tcpDropped: 8083,
  /** A TCP listener behind REJECT --reject-with tcp-reset. */
  tcpReset: 8084,
  /** A UDP listener behind REJECT --reject-with icmp-port-unreachable. */
  udpRejected: 8085,
  /** A UDP listener behind DROP. */
  udpDropped: 8086,
  /** A TCP listener whose every other SYN (the 1st, 3rd, …) is reset. */
  tcpEveryOther: 8087,
  /** An HTTP listener behind DROP. */
  httpDropped: 8088,
  /** A TCP listener behind plain REJECT (icmp-port-unreachable). */
  tcpIcmpRejected: 8089,
  dns: 53,
} as const;

/** Names the lab's DNS server knows; `slow` never gets an answer, anything else is NXDOMAIN. */
export const NAMES = { web: "web.probe.test", slow: "slow.probe.test", unknown: "nope.probe.test" } as const;

const IPTABLES_RULES: string[][] = [
  ["-p", "tcp", "--dport", `${PORTS.tcpDropped}`, "-j", "DROP"],
  ["-p", "tcp", "--dport", `${PORTS.tcpReset}`, "-j", "REJECT", "--reject-with", "tcp-reset"],
  ["-p", "udp", "--dport", `${PORTS.udpRejected}`, "-j", "REJECT", "--reject-with", "icmp-port-unreachable"],
  ["-p", "udp", "--dport", `${PORTS.udpDropped}`, "-j", "DROP"],
  ["-p", "tcp", "--syn", "--dport", `${PORTS.tcpEveryOther}`, "-m", "statistic", "--mode", "nth", "--every", "2", "--packet", "0", "-j", "REJECT", "--reject-with", "tcp-reset"],
  ["-p", "tcp", "--dport", `${PORTS.httpDropped}`, "-j", "DROP"],
  ["-p", "tcp", "--dport", `${PORTS.tcpIcmpRejected}`, "-j", "REJECT"],
];

export interface ProbeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every stdout line except the summary, each parsed on its own. */
  results: ProbeResult[];
  summary: ProbeSummary | undefined;
  wallMs: number;
}

export interface ProbeLab {
  client: string;
  isolated: string;
  server: string;
  serverIp: string;
  /** On the client's subnet, but nobody has it: ARP goes unanswered. */
  absentIp: string;
  /** Runs the bundled probe with `node` inside a namespace (the client unless told otherwise). */
  run(plan: ProbePlan | unknown, options?: { ns?: string; args?: string[] }): Promise<ProbeRun>;
  close(): void;
}

/** Why the lab cannot be built here, or undefined when it can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== "linux") return `needs Linux network namespaces, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "needs root (CAP_NET_ADMIN) to create network namespaces";
  const probe = `cnilab-probe-check-${process.pid}`;
  try {
    execFileSync("iptables", ["--version"], { stdio: "pipe" });
    execFileSync("ip", ["netns", "add", probe], { stdio: "pipe" });
    execFileSync("ip", ["netns", "del", probe], { stdio: "pipe" });
  } catch (err) {
    return `ip netns / iptables unusable (install iproute2 and iptables): ${(err as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

/** Builds the lab; `subnet` picks 10.250.<subnet>.0/24. Call close() in afterAll, also on failure. */
export async function createProbeLab(tag: string, subnet: number): Promise<ProbeLab> {
  const prefix = `cnilab-probe-${tag}-${process.pid}`;
  const [client, server, isolated] = [`${prefix}-c`, `${prefix}-s`, `${prefix}-i`];
  const net = `10.250.${subnet}`;
  const work = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const children: ChildProcess[] = [];
  const etcNetnsExisted = existsSync("/etc/netns");
  const created: string[] = [];
  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
  const close = () => {
    for (const child of children) child.kill("SIGKILL");
    // Deleting a namespace also drops its iptables rules and its veth end.
    for (const ns of created) {
      try {
        ip("netns", "del", ns);
      } catch {
        // already gone
      }
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
    if (!etcNetnsExisted) {
      try {
        rmdirSync("/etc/netns");
      } catch {
        // another lab still has its files there; the last one out removes the folder
      }
    }
    rmSync(work, { recursive: true, force: true });
  };
  try {
    for (const ns of [client, server, isolated]) {
      ip("netns", "add", ns);
      created.push(ns);
      ip("-n", ns, "link", "set", "lo", "up");
      // `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc: the lab's own resolver, no host DNS.
      mkdirSync(`/etc/netns/${ns}`, { recursive: true });
      writeFileSync(`/etc/netns/${ns}/resolv.conf`, `nameserver ${net}.2\noptions timeout:1 attempts:1\n`);
    }
    ip("link", "add", "c0", "netns", client, "type", "veth", "peer", "name", "s0", "netns", server);
    ip("-n", client, "addr", "add", `${net}.1/24`, "dev", "c0");
    ip("-n", server, "addr", "add", `${net}.2/24`, "dev", "s0");
    ip("-n", client, "link", "set", "c0", "up");
    ip("-n", server, "link", "set", "s0", "up");
    for (const rule of IPTABLES_RULES) execFileSync("ip", ["netns", "exec", server, "iptables", "-A", "INPUT", ...rule], { stdio: "pipe" });
    const config = {
      tcp: [PORTS.tcp, PORTS.tcpDropped, PORTS.tcpReset, PORTS.tcpEveryOther, PORTS.tcpIcmpRejected],
      udp: [PORTS.udp, PORTS.udpRejected, PORTS.udpDropped],
      http: [PORTS.http, PORTS.httpDropped],
      dns: { port: PORTS.dns, records: { [NAMES.web]: `${net}.2` }, silent: [NAMES.slow] },
    };
    const servers = spawn("ip", ["netns", "exec", server, process.execPath, join(__dirname, "netns-servers.cjs"), JSON.stringify(config)]);
    children.push(servers);
    await waitForLine(servers, "ready", 10_000);
  } catch (err) {
    close();
    throw err;
  }
  const bundle = join(work, "probe.js");
  writeFileSync(bundle, bundleProbe());
  let plans = 0;
  const run: ProbeLab["run"] = (plan, options = {}) => {
    const planFile = join(work, `plan-${++plans}.json`);
    writeFileSync(planFile, JSON.stringify(plan));
    const args = ["netns", "exec", options.ns ?? client, process.execPath, bundle, "--plan", planFile, ...(options.args ?? [])];
    const started = performance.now();
    return new Promise((done, fail) => {
      execFile("ip", args, { timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        const wallMs = performance.now() - started;
        try {
          // Every line must parse on its own: that is what the log reader relies on.
          const lines = stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as ProbeResult | ProbeSummary);
          const summary = lines.find((l): l is ProbeSummary => "summary" in l);
          const results = lines.filter((l): l is ProbeResult => !("summary" in l));
          done({ code, stdout, stderr, results, summary, wallMs });
        } catch (parseError) {
          fail(new Error(`probe printed a line that is not JSON (${(parseError as Error).message}):\n${stdout}\n${stderr}`));
        }
      });
    });
  };
  return { client, isolated, server, serverIp: `${net}.2`, absentIp: `${net}.99`, run, close };
}

function waitForLine(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((ok, fail) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`servers not ready within ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.split("\n").includes(line)) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`servers exited with ${code}: ${err}`));
    });
  });
}
