import { PROBE_OUTCOMES } from "./types";
import type { ProbeOutcome, ProbeResult, ProbeSummary } from "./types";
import { isRecord, show } from "./json";

/** What a probe log says, read with suspicion: nothing unreadable ever counts as a connection. */
export interface ProbeLogReading {
  /** One per expected id, in the order given; a missing or unreadable line is an `error` result. */
  results: ProbeResult[];
  /** The final summary line, or null when the probe did not get to print one (killed, truncated log). */
  summary: ProbeSummary | null;
  /** Ids of well-formed result lines nobody expected (a plan/expectation mismatch worth reporting). */
  unexpectedIds: string[];
  /** Lines that are neither results nor the summary and name no expected id (runtime warnings, etc.). */
  noiseLines: number;
}

/** The results for `expectedIds`, in that order; see readProbeLog for the rules. */
export function parseProbeLog(text: string, expectedIds: readonly string[]): ProbeResult[] {
  return readProbeLog(text, expectedIds).results;
}

type Sighting = { line: number; result: ProbeResult } | { line: number; problem: string };

/**
 * Reads a probe log (e.g. a Job pod's logs). For each expected id: exactly one well-formed line →
 * that result; no line, an unreadable line, or two lines that disagree → an `error` result whose
 * detail says what was wrong (attempts 0: we do not know what ran).
 */
export function readProbeLog(text: string, expectedIds: readonly string[]): ProbeLogReading {
  const expected = new Set(expectedIds);
  const sightings = new Map<string, Sighting[]>();
  const unexpected = new Set<string>();
  let summary: ProbeSummary | null = null;
  let noiseLines = 0;
  const see = (id: string, sighting: Sighting) => sightings.set(id, [...(sightings.get(id) ?? []), sighting]);

  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "").trim();
    const lineNo = index + 1;
    if (line === "") return;
    const parsed = line.startsWith("{") ? tryJson(line) : undefined;
    if (isRecord(parsed) && parsed.summary === true) {
      summary = readSummary(parsed) ?? summary;
      return;
    }
    const id = isRecord(parsed) && typeof parsed.id === "string" ? parsed.id : idInText(line);
    if (id === undefined || !expected.has(id)) {
      if (id !== undefined && isRecord(parsed) && typeof readResult(parsed) === "object") unexpected.add(id);
      else noiseLines++;
      return;
    }
    if (!isRecord(parsed)) {
      const why = line.startsWith("{") ? "is not valid JSON (truncated or garbled)" : "has text before the JSON";
      see(id, { line: lineNo, problem: `result line ${lineNo} for "${id}" ${why}: ${clip(line)}` });
      return;
    }
    const result = readResult(parsed);
    if (typeof result === "string") see(id, { line: lineNo, problem: `result line ${lineNo} for "${id}": ${result}` });
    else if (result !== undefined) see(id, { line: lineNo, result });
  });

  const finished: ProbeSummary | null = summary;
  const results = expectedIds.map((id) => verdict(id, sightings.get(id) ?? [], finished));
  return { results, summary: finished, unexpectedIds: [...unexpected], noiseLines };
}

function verdict(id: string, seen: Sighting[], summary: ProbeSummary | null): ProbeResult {
  const error = (detail: string): ProbeResult => ({ id, ok: false, outcome: "error", latencyMs: 0, attempts: 0, detail });
  const [first, ...rest] = seen;
  if (first === undefined) {
    return error(
      summary === null
        ? `no result line for "${id}", and no summary line: the probe did not finish (killed, or the log is cut)`
        : `no result line for "${id}", though the probe finished: the plan it ran did not include this id`,
    );
  }
  if ("problem" in first) return error(first.problem);
  const disagree = rest.find((s) => !("result" in s) || JSON.stringify(s.result) !== JSON.stringify(first.result));
  if (disagree) return error(`result lines ${first.line} and ${disagree.line} for "${id}" disagree; trusting neither`);
  return first.result;
}

/** A well-formed result, a string saying what is wrong with it, or undefined if it has no id at all. */
function readResult(obj: Record<string, unknown>): ProbeResult | string | undefined {
  const { id, ok, outcome, latencyMs, attempts, detail } = obj;
  if (typeof id !== "string") return undefined;
  if (!(PROBE_OUTCOMES as readonly unknown[]).includes(outcome)) return `outcome ${show(outcome)} is not one of ${PROBE_OUTCOMES.join(", ")}`;
  if (typeof ok !== "boolean") return `ok must be true or false, got ${show(ok)}`;
  // `ok` is judged against the plan's expect, which a log does not carry; verdicts use `outcome` alone.
  if (typeof latencyMs !== "number" || !(latencyMs >= 0)) return `latencyMs must be a number >= 0, got ${show(latencyMs)}`;
  if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 1) return `attempts must be an integer >= 1, got ${show(attempts)}`;
  if (detail !== undefined && typeof detail !== "string") return `detail must be a string, got ${show(detail)}`;
  const result: ProbeResult = { id, ok, outcome: outcome as ProbeOutcome, latencyMs, attempts };
  if (detail !== undefined) result.detail = detail;
  return result;
}

function readSummary(obj: Record<string, unknown>): ProbeSummary | undefined {
  const { total, connected, failed, durationMs } = obj;
  const counts = [total, connected, failed, durationMs];
  if (!counts.every((n) => typeof n === "number" && Number.isFinite(n) && n >= 0)) return undefined;
  return { summary: true, total: total as number, connected: connected as number, failed: failed as number, durationMs: durationMs as number };
}

function idInText(line: string): string | undefined {
  return /"id"\s*:\s*"([^"\\]+)"/.exec(line)?.[1];
}

function tryJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
