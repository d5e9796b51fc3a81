import { performance } from "node:perf_hooks";
import { attemptOnce } from "./attempt";
import { DEFAULT_CONCURRENCY } from "./types";
import type { ProbePlan, ProbeResult, ProbeSpec, ProbeSummary } from "./types";

/**
 * Retries until the outcome is the expected one (connected when the probe names no expectation) or
 * its attempts are used up, pausing `retryDelayMs` before each retry; reports the last attempt.
 */
export async function runProbe(spec: ProbeSpec, retryDelayMs = 0): Promise<ProbeResult> {
  const wanted = spec.expect ?? "connected";
  let attempt = 0;
  let result: ProbeResult;
  do {
    if (attempt > 0 && retryDelayMs > 0) await new Promise((r) => setTimeout(r, retryDelayMs));
    attempt++;
    const started = performance.now();
    const { outcome, detail } = await attemptOnce(spec);
    result = { id: spec.id, ok: outcome === wanted, outcome, latencyMs: Math.round(performance.now() - started), attempts: attempt };
    if (detail !== undefined) result.detail = detail;
  } while (result.outcome !== wanted && attempt < spec.attempts);
  return result;
}

export interface RunOptions {
  /** Overrides plan.concurrency; @default plan.concurrency, else DEFAULT_CONCURRENCY */
  concurrency?: number;
  /** Called as each probe finishes, so results are printed while the rest still run. */
  onResult?: (result: ProbeResult) => void;
}

export interface PlanRun {
  /** In plan order. */
  results: ProbeResult[];
  summary: ProbeSummary;
}

/**
 * Runs every probe with at most `concurrency` in flight. A slot is freed as soon as its probe ends,
 * so the worst case is about ceil(n / concurrency) × attempts × timeoutMs.
 */
export async function runProbePlan(plan: ProbePlan, options: RunOptions = {}): Promise<PlanRun> {
  const started = performance.now();
  const limit = options.concurrency ?? plan.concurrency ?? DEFAULT_CONCURRENCY;
  const results: ProbeResult[] = new Array(plan.probes.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < plan.probes.length) {
      const index = next++;
      const result = await runProbe(plan.probes[index] as ProbeSpec, plan.retryDelayMs ?? 0);
      results[index] = result;
      options.onResult?.(result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, plan.probes.length) }, worker));
  return { results, summary: runSummary(results, Math.round(performance.now() - started)) };
}

/** The summary line of a run: totals, connections whatever was expected, results not as expected. */
export function runSummary(results: readonly ProbeResult[], durationMs: number): ProbeSummary {
  const connected = results.filter((r) => r.outcome === "connected").length;
  return { summary: true, total: results.length, connected, failed: results.filter((r) => !r.ok).length, durationMs };
}
