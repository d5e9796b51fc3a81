import type { ProbeResult, ProbeSummary } from "./types";

/** One result as one JSON line, keys in contract order, `detail` only when present. */
export function formatResult(result: ProbeResult): string {
  const { id, ok, outcome, latencyMs, attempts, detail } = result;
  return `${JSON.stringify(detail === undefined ? { id, ok, outcome, latencyMs, attempts } : { id, ok, outcome, latencyMs, attempts, detail })}\n`;
}

export function formatSummary(summary: ProbeSummary): string {
  const { total, connected, failed, durationMs } = summary;
  return `${JSON.stringify({ summary: true, total, connected, failed, durationMs })}\n`;
}
