/**
 * Probe throughput between network namespaces: N probes, a share of them to a port behind iptables
 * DROP (each costs a full timeout), the rest to a live listener. Prints probes per second and the
 * total time against the floor ceil(dropped / concurrency) × timeout, the least any bounded runner
 * can take. Needs root; run with `npx tsx -e 'require("./bench/probe").benchProbe()'`.
 */
import type { ProbeProtocol, ProbeSpec } from "../probe/types";
import { createProbeLab, netnsUnavailable, PORTS } from "../probe/netns-lab";

/** The bench dials servers; file probes read no network. */
type NetworkProtocol = Exclude<ProbeProtocol, "file">;

interface Case {
  probes: number;
  dropped: number;
  concurrency: number;
  timeoutMs: number;
  protocol: NetworkProtocol;
}

const CASES: Case[] = [
  { probes: 1000, dropped: 0, concurrency: 32, timeoutMs: 1000, protocol: "tcp" },
  { probes: 1000, dropped: 0, concurrency: 32, timeoutMs: 1000, protocol: "udp" },
  { probes: 1000, dropped: 0, concurrency: 32, timeoutMs: 1000, protocol: "http" },
  { probes: 200, dropped: 100, concurrency: 50, timeoutMs: 1000, protocol: "tcp" },
  { probes: 1000, dropped: 300, concurrency: 32, timeoutMs: 1000, protocol: "tcp" },
  { probes: 1000, dropped: 300, concurrency: 100, timeoutMs: 1000, protocol: "tcp" },
  { probes: 1000, dropped: 300, concurrency: 100, timeoutMs: 1000, protocol: "udp" },
];

const LIVE: Record<NetworkProtocol, number> = { tcp: PORTS.tcp, udp: PORTS.udp, http: PORTS.http };
const DROPPED: Record<NetworkProtocol, number> = { tcp: PORTS.tcpDropped, udp: PORTS.udpDropped, http: PORTS.httpDropped };

function planFor(c: Case, serverIp: string): ProbeSpec[] {
  // Dropped probes spread evenly through the plan, as a real matrix interleaves allowed and denied pairs.
  const every = c.dropped === 0 ? Infinity : c.probes / c.dropped;
  return Array.from({ length: c.probes }, (_, i) => {
    const drop = Math.floor((i + 1) / every) > Math.floor(i / every);
    return { id: `p${i}`, to: serverIp, port: (drop ? DROPPED : LIVE)[c.protocol], protocol: c.protocol, timeoutMs: c.timeoutMs, attempts: 1 };
  });
}

export async function benchProbe(): Promise<void> {
  const unavailable = netnsUnavailable();
  if (unavailable) {
    console.log(`bench probe: skipped, ${unavailable}`);
    return;
  }
  const lab = await createProbeLab("bench", 42);
  try {
    console.log("bench probe: bundled probe run with node in a client namespace, listeners behind a veth in a server namespace");
    console.log("protocol  probes  dropped  conc  timeout   total ms  floor ms  total/floor  probes/s  connected");
    for (const c of CASES) {
      const result = await lab.run({ concurrency: c.concurrency, probes: planFor(c, lab.serverIp) });
      const summary = result.summary;
      if (result.code !== 0 || !summary) throw new Error(`probe failed (exit ${result.code}): ${result.stderr}`);
      const floor = Math.ceil(c.dropped / c.concurrency) * c.timeoutMs;
      const row = [
        c.protocol.padEnd(8),
        String(c.probes).padStart(6),
        String(c.dropped).padStart(8),
        String(c.concurrency).padStart(5),
        `${c.timeoutMs}`.padStart(8),
        String(summary.durationMs).padStart(10),
        String(floor).padStart(9),
        (floor === 0 ? "-" : (summary.durationMs / floor).toFixed(2)).padStart(12),
        ((c.probes / summary.durationMs) * 1000).toFixed(0).padStart(9),
        String(summary.connected).padStart(10),
      ];
      console.log(row.join(" "));
    }
    console.log("total ms is the probe's own summary (first probe started to last result); wall time adds ~50 ms of node start-up.");
  } finally {
    lab.close();
  }
}
