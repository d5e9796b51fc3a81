/**
 * Runs a lab's probes for real: listeners in every pod and node, the project's probe program
 * (probe/bundle.ts, the same one the cluster assertions run) in the client pod, then a sample of
 * connections to the ClusterIP to see which endpoints answer. Everything started here is stopped here.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendFacts, LimitationId } from "../backends/types";
import { plain, type Paint } from "../host/colour";
import { bundleProbe } from "../probe/bundle";
import { judge } from "../verdict/judge";
import { probePlanFor } from "../verdict/probe-plan";
import { renderCounts, renderMismatches, renderTable } from "../verdict/render";
import type { Verdicts } from "../verdict/types";
import { runIn, startIn } from "./exec";
import type { Background } from "./exec";
import { planDatapathProbes, type ProbePath } from "./probes";
import { LISTENER_JS, SAMPLER_JS } from "./scripts";
import { CLUSTER_IP, LISTEN_PORT, SERVICE_PORT } from "./topology";
import type { LabTopology } from "./topology";

export interface ServiceSample {
  /** Replies per endpoint name over `count` connections. */
  replies: Record<string, number>;
  failures: number;
  count: number;
}

/** The lab's probes judged (verdict/judge.ts), the limitations behind its expected failures, and the Service sample. */
export interface ProbeReport extends Verdicts {
  /** The source pod every probe starts in. */
  from: string;
  limitations: { path: ProbePath; id: LimitationId; why: string }[];
  /** Absent when the backend cannot reach the ClusterIP by design (nothing to sample). */
  service?: ServiceSample;
}

/** Listeners exit by themselves after this, even if the run that started them died. */
const LISTENER_LIFETIME_MS = 120_000;
const PROBE_RUN_TIMEOUT_MS = 60_000;

export interface ProbeRunOptions {
  /** Connections to the ClusterIP for the endpoint sample; @default 40 */
  serviceSamples?: number;
}

export async function runLabProbes(facts: BackendFacts, topo: LabTopology, options: ProbeRunOptions = {}): Promise<ProbeReport> {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-dp-"));
  const listeners: Background[] = [];
  try {
    const files = writeScripts(dir);
    const places = [...topo.nodes.map((n) => ({ name: n.name, netns: n.netns })), ...topo.nodes.flatMap((n) => n.pods)];
    for (const p of places) {
      listeners.push(startIn(p.netns, [process.execPath, files.listener, p.name, String(LISTEN_PORT), String(LISTENER_LIFETIME_MS)]));
    }
    await Promise.all(listeners.map((l) => l.waitFor("listening", 10_000)));
    const probes = planDatapathProbes(facts, topo);
    const planFile = join(dir, "plan.json");
    writeFileSync(planFile, JSON.stringify(probePlanFor(probes, "datapath")));
    const { client, fromNetns } = probes[0]!;
    const out = await runIn(fromNetns, [process.execPath, files.probe, "--plan", planFile], PROBE_RUN_TIMEOUT_MS);
    if (out.code !== 0) throw new Error(`probe program in ${fromNetns} exited ${out.code}: ${out.stderr.trim()}`);
    const verdicts = judge(probes, [], { [client]: { text: out.stdout } });
    const limitations = probes.flatMap((p) => (p.limitation ? [{ path: p.group, id: p.limitation.id, why: p.limitation.why }] : []));
    const serviceProbe = probes.find((p) => p.group === "pod-service")!;
    const count = options.serviceSamples ?? 40;
    const service = serviceProbe.expect === "connected" ? await sampleService(fromNetns, files.sampler, count) : undefined;
    return { ...verdicts, from: client, limitations, ...(service ? { service } : {}) };
  } finally {
    await Promise.all(listeners.map((l) => l.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeScripts(dir: string): { listener: string; sampler: string; probe: string } {
  const files = { listener: join(dir, "listener.js"), sampler: join(dir, "sampler.js"), probe: join(dir, "probe.js") };
  writeFileSync(files.listener, LISTENER_JS);
  writeFileSync(files.sampler, SAMPLER_JS);
  writeFileSync(files.probe, bundleProbe());
  return files;
}

async function sampleService(netns: string, sampler: string, count: number): Promise<ServiceSample> {
  const out = await runIn(netns, [process.execPath, sampler, CLUSTER_IP, String(SERVICE_PORT), String(count), "1500"], 10_000 + count * 2000);
  if (out.code !== 0) throw new Error(`service sampler in ${netns} exited ${out.code}: ${out.stderr.trim()}`);
  const parsed = JSON.parse(out.stdout.trim()) as { replies: Record<string, number>; failures: number };
  return { ...parsed, count };
}

/** Expected vs observed through the shared renderings, the limitation's reason beside each expected failure, then the Service sample. */
export function formatProbeReport(backend: string, report: ProbeReport, paint: Paint = plain): string {
  const why = report.limitations.map((l) => `  ${l.path}: ${l.id} — ${l.why}`);
  const service = report.service
    ? `Service ${CLUSTER_IP}:${SERVICE_PORT} over ${report.service.count} connections: ` +
      Object.entries(report.service.replies).map(([name, n]) => `${name} ${n}`).join(", ") +
      (report.service.failures > 0 ? `, ${report.service.failures} failed` : "")
    : `Service ${CLUSTER_IP}:${SERVICE_PORT}: not sampled (the backend's pods cannot reach a ClusterIP)`;
  return [
    `${backend}: probes from ${report.from}`,
    ...renderTable(report.probes, "path", paint),
    "",
    ...renderMismatches(report.probes, paint),
    ...(why.length ? ["why expected failures fail:", ...why] : []),
    service,
    renderCounts(report.counts, paint),
    "",
  ].join("\n");
}
