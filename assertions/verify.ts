import { parseProbeLog } from "../probe/parse";
import { OUTCOME_MEANING, type ProbeOutcome } from "../probe/types";
import type { ResolvedProbe, SkippedProbe } from "./types";

/**
 * Expected against observed. Reads each Job's log back through the probe's own log reader (a
 * missing, truncated or unparsable line is an error, never a pass), compares every probe with its
 * expectation, and explains each mismatch.
 */

export type Status = "pass" | "mismatch" | "error" | "skipped";

export interface VerifiedProbe {
  id: string;
  group: string;
  client: string;
  to: string;
  toLabel: string;
  port: number;
  protocol: string;
  expect: ProbeOutcome;
  observed: ProbeOutcome | "skipped";
  attempts: number;
  latencyMs: number;
  status: Status;
  /** Why the expectation is what it is (engine verdict, enforcement, limitation). */
  why: string;
  /** For a mismatch or an error: what the observation means and where to look. */
  explanation?: string;
  detail?: string;
}

export interface VerifyReport {
  stack: string;
  backend: string;
  probes: VerifiedProbe[];
  counts: Record<Status, number>;
}

export interface VerifyInput {
  stack: string;
  backend: { name: string; title: string; enforcement: { why: string } };
  probes: readonly ResolvedProbe[];
  skipped: readonly SkippedProbe[];
  /** client name → its Job's log (undefined when the Job's pod or log could not be read, with why). */
  logs: Readonly<Record<string, { text: string } | { missing: string }>>;
}

/** What an unexpected observation usually means, for the person reading the report. */
function explain(p: ResolvedProbe, observed: ProbeOutcome, backendTitle: string): string {
  const saw = `observed ${observed} (${OUTCOME_MEANING[observed]})`;
  if (observed === "error") return `${saw}. The probe did not report: look at the Job's pod log.`;
  if (p.expect === "connected") {
    if (observed === "timeout") return `${saw}. Something drops this path on ${backendTitle}: a policy the engine did not expect to apply, or a CNI datapath problem (routes, MTU, rp_filter).`;
    if (observed === "refused") return `${saw}. The path works but nothing listens on ${p.to}:${p.port}/${p.protocol}: is the target pod Ready?`;
    if (observed === "dns-error") return `${saw}. Cluster DNS failed: is CoreDNS Ready and reachable through its ClusterIP?`;
    return `${saw}. The pod has no route to ${p.to}: check the pod's routes and the node's.`;
  }
  if (observed === "connected") {
    return `${saw}, but ${p.expect} was expected because: ${p.why}. If a policy should block this, it is not enforced (yet) on ${backendTitle}.`;
  }
  return `${saw}, a different failure than the expected ${p.expect} (${OUTCOME_MEANING[p.expect]}). Expected because: ${p.why}.`;
}

export function verify(input: VerifyInput): VerifyReport {
  const probes: VerifiedProbe[] = [];
  const byClient = new Map<string, ResolvedProbe[]>();
  for (const p of input.probes) byClient.set(p.client, [...(byClient.get(p.client) ?? []), p]);
  for (const [client, own] of byClient) {
    const log = input.logs[client];
    const results =
      log && "text" in log
        ? parseProbeLog(log.text, own.map((p) => p.id))
        : own.map((p) => ({ id: p.id, ok: false, outcome: "error" as const, latencyMs: 0, attempts: 0, detail: log?.missing ?? `no log for client ${client}` }));
    own.forEach((p, i) => {
      const r = results[i]!;
      const status: Status = r.outcome === p.expect ? "pass" : r.outcome === "error" ? "error" : "mismatch";
      probes.push({
        id: p.id,
        group: p.group,
        client,
        to: p.to,
        toLabel: p.toLabel,
        port: p.port,
        protocol: p.protocol,
        expect: p.expect,
        observed: r.outcome,
        attempts: r.attempts,
        latencyMs: r.latencyMs,
        status,
        why: p.why,
        ...(status === "pass" ? {} : { explanation: explain(p, r.outcome, input.backend.title) }),
        ...(r.detail ? { detail: r.detail } : {}),
      });
    });
  }
  for (const s of input.skipped) {
    probes.push({
      id: s.id,
      group: s.group,
      client: "",
      to: "",
      toLabel: "",
      port: 0,
      protocol: "",
      expect: "connected",
      observed: "skipped",
      attempts: 0,
      latencyMs: 0,
      status: "skipped",
      why: s.reason,
    });
  }
  const counts: Record<Status, number> = { pass: 0, mismatch: 0, error: 0, skipped: 0 };
  for (const p of probes) counts[p.status]++;
  return { stack: input.stack, backend: input.backend.name, probes, counts };
}

/** 0 when everything ran as expected; 1 on any mismatch or error (skips are not failures). */
export function verifyExitCode(report: VerifyReport): number {
  return report.counts.mismatch + report.counts.error > 0 ? 1 : 0;
}
