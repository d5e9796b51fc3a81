/**
 * Expected against observed, for every kind of lab. Each source's log is read back through the probe's
 * own log reader (probe/parse.ts: a missing, truncated or unparsable line is an error, never a pass);
 * each probe is judged against its expectation, and each disagreement explained.
 */
import { parseProbeLog } from "../probe/parse";
import { OUTCOME_MEANING, type ProbeOutcome, type ProbeResult } from "../probe/types";
import { STATUSES, type PlannedProbe, type ProbeRow, type SkippedProbe, type Status, type Verdicts } from "./types";

/**
 * A source's probe log; or its results, already read by another reader (a Docker lab's server that
 * could not listen: docker/bind.ts); or why there is none (its pod or container could not be read).
 */
export type ProbeLog = { text: string } | { results: readonly ProbeResult[] } | { missing: string };

/** What an unexpected observation means, for the person reading the report. */
export type Explain = (probe: PlannedProbe, observed: ProbeOutcome) => string;

/** "no-route", or "connected or refused" when the facts accept more than one outcome. */
export function expectedText(p: Pick<PlannedProbe, "expect" | "accept">): string {
  return [p.expect, ...(p.accept ?? [])].join(" or ");
}

/** The verdict on one observation: any accepted outcome passes; an unreadable result is an error, never a pass. */
export function statusOf(p: Pick<PlannedProbe, "expect" | "accept">, observed: ProbeOutcome): Status {
  if (observed === p.expect || (p.accept ?? []).includes(observed)) return "pass";
  return observed === "error" ? "error" : "mismatch";
}

/** The explanation every lab gets unless it knows better: what was seen, what was expected and why. */
export const explainOutcome: Explain = (p, observed) => {
  const saw = `observed ${observed} (${OUTCOME_MEANING[observed]})`;
  if (observed === "error") return `${saw}. The probe did not report: read ${p.client}'s probe log.`;
  return `${saw}; expected ${expectedText(p)} because ${p.why}.`;
};

/** Counts of each verdict. */
export function summarize(rows: readonly Pick<ProbeRow, "status">[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const row of rows) counts[row.status]++;
  return counts;
}

/** True when every probe that ran showed what its facts predict (skips are not failures). */
export function asExpected(counts: Readonly<Record<Status, number>>): boolean {
  return counts.mismatch + counts.error === 0;
}

/** One probe and its observed result as a row. */
function judgeResult(p: PlannedProbe, r: ProbeResult, explain: Explain = explainOutcome): ProbeRow {
  const status = statusOf(p, r.outcome);
  return {
    id: p.id,
    group: p.group,
    client: p.client,
    to: p.to,
    toLabel: p.toLabel,
    port: p.port,
    protocol: p.protocol,
    expect: p.expect,
    ...(p.accept?.length ? { accept: p.accept } : {}),
    observed: r.outcome,
    attempts: r.attempts,
    latencyMs: r.latencyMs,
    status,
    why: p.why,
    ...(status === "pass" ? {} : { explanation: explain(p, r.outcome) }),
    ...(r.detail ? { detail: r.detail } : {}),
  };
}

/** A probe that did not run, as a row. */
function skippedRow(s: SkippedProbe): ProbeRow {
  return { id: s.id, group: s.group, client: "", to: "", toLabel: "", port: 0, protocol: "", expect: "connected", observed: "skipped", attempts: 0, latencyMs: 0, status: "skipped", why: s.reason };
}

/**
 * Judges every planned probe from its source's log (`logs` by client name), in plan order, then the
 * skipped ones. A source without a log makes each of its probes an error carrying the reason.
 */
export function judge(probes: readonly PlannedProbe[], skipped: readonly SkippedProbe[], logs: Readonly<Record<string, ProbeLog>>, explain: Explain = explainOutcome): Verdicts {
  const results = new Map<string, ProbeResult>();
  for (const client of new Set(probes.map((p) => p.client))) {
    const ids = probes.filter((p) => p.client === client).map((p) => p.id);
    const log = logs[client];
    const read =
      log && "text" in log
        ? parseProbeLog(log.text, ids)
        : log && "results" in log
          ? ids.map((id): ProbeResult => log.results.find((r) => r.id === id) ?? { id, ok: false, outcome: "error", latencyMs: 0, attempts: 0, detail: `no result for ${id}` })
          : ids.map((id): ProbeResult => ({ id, ok: false, outcome: "error", latencyMs: 0, attempts: 0, detail: log?.missing ?? `no log for client ${client}` }));
    for (const r of read) results.set(r.id, r);
  }
  const rows = [...probes.map((p) => judgeResult(p, results.get(p.id)!, explain)), ...skipped.map(skippedRow)];
  return { probes: rows, counts: summarize(rows) };
}
