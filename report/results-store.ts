/**
 * Each stack's results on disk, so `compare` reuses them instead of running clusters:
 *   <state>/results/<stack>/verify.json   a VerifyReport   (cnilab verify <stack>)
 *   <state>/results/<stack>/perf.json     a BenchRun       (cnilab perf <stack>)
 *   <state>/results/<stack>/facts.json    ObservedFacts    (cnilab perf <stack>)
 * <state> is stateDir() of host/state.ts: $CNILAB_STATE, else .cnilab in the project (git-ignored).
 * The datapath lab's bench is stored as stacks named datapath-<backend>, in the same shapes.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { VerifyReport } from "../assertions/verify";
import { STATE_FOLDERS } from "../host/state";
import { BACKENDS, type Backend } from "../backends/types";
import { BASELINE, summarizeBench, type BenchRun } from "../datapath/results";
import type { ObservedFacts } from "../perf/facts";

export const RESULT_KINDS = ["verify", "perf", "facts"] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export interface StackResults {
  stack: string;
  verify?: VerifyReport;
  perf?: BenchRun;
  facts?: ObservedFacts;
  /** Where each loaded result came from. */
  files: Partial<Record<ResultKind, string>>;
  /** A file that exists but cannot be read: the kind and why. */
  unreadable: Partial<Record<ResultKind, string>>;
}

/** Prefix of the stacks that hold a datapath lab's results rather than a cluster's. */
export const DATAPATH_PREFIX = "datapath-";

export function resultsDir(root: string, stack: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || stack === "." || stack === "..") {
    throw new Error(`'${stack}' is not a stack name (letters, digits, '_', '.', '-')`);
  }
  return join(root, STATE_FOLDERS.results, stack);
}

export function resultFile(root: string, stack: string, kind: ResultKind): string {
  return join(resultsDir(root, stack), `${kind}.json`);
}

function save(root: string, stack: string, kind: ResultKind, value: unknown): string {
  const file = resultFile(root, stack, kind);
  mkdirSync(resultsDir(root, stack), { recursive: true });
  // Write then rename: a crash never leaves half a file that compare would then reject.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** `root`: the state directory (stateDir(cwd, env)). Returns the file written. */
export function saveVerifyReport(root: string, stack: string, report: VerifyReport): string {
  return save(root, stack, "verify", report);
}

export function savePerfRun(root: string, stack: string, run: BenchRun): string {
  return save(root, stack, "perf", run);
}

export function saveFacts(root: string, stack: string, facts: ObservedFacts): string {
  return save(root, stack, "facts", facts);
}

/** Shape checks: enough to refuse a file of the wrong kind with a sentence, not a crash later. */
const SHAPE: Record<ResultKind, (v: Record<string, unknown>) => string | undefined> = {
  verify: (v) => (Array.isArray(v.probes) && typeof v.backend === "string" && typeof v.counts === "object" ? undefined : "not a VerifyReport (needs backend, probes, counts)"),
  perf: (v) => (Array.isArray(v.samples) && Array.isArray(v.summary) && typeof v.host === "object" ? undefined : "not a BenchRun (needs host, samples, summary)"),
  facts: (v) => (typeof v.backend === "string" && Array.isArray(v.routes) && Array.isArray(v.devices) ? undefined : "not observed facts (needs backend, routes, devices)"),
};

export function loadStackResults(root: string, stack: string): StackResults {
  const out: StackResults = { stack, files: {}, unreadable: {} };
  for (const kind of RESULT_KINDS) {
    const file = resultFile(root, stack, kind);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      const wrong = SHAPE[kind](value);
      if (wrong) throw new Error(wrong);
      (out as unknown as Record<string, unknown>)[kind] = value;
      out.files[kind] = file;
    } catch (err) {
      out.unreadable[kind] = `${file}: ${(err as Error).message}`;
    }
  }
  return out;
}

/** The backend a stack's results are about, from what was saved; undefined when nothing says. */
export function resultsBackend(r: StackResults): Backend | undefined {
  const named = r.verify?.backend ?? r.facts?.backend ?? r.perf?.summary.find((s) => s.backend !== BASELINE)?.backend;
  const fromName = r.stack.startsWith(DATAPATH_PREFIX) ? r.stack.slice(DATAPATH_PREFIX.length) : r.stack;
  const candidate = named ?? fromName;
  return (BACKENDS as readonly string[]).includes(candidate) ? (candidate as Backend) : undefined;
}

/**
 * Splits one `cnilab datapath bench` run (several backends, one baseline) into a BenchRun per
 * backend, each with the shared baseline, stored as datapath-<backend>.
 */
export function splitDatapathRun(run: BenchRun): Record<string, BenchRun> {
  const backends = [...new Set(run.samples.map((s) => s.labels.backend).filter((b) => b !== BASELINE))];
  const baseline = run.samples.filter((s) => s.labels.backend === BASELINE);
  return Object.fromEntries(
    backends.map((b) => {
      const samples = [...baseline, ...run.samples.filter((s) => s.labels.backend === b)];
      return [`${DATAPATH_PREFIX}${b}`, { ...run, skipped: run.skipped.filter((s) => s.backend === b), samples, summary: summarizeBench(samples) }];
    }),
  );
}

export function saveDatapathRun(root: string, run: BenchRun): string[] {
  return Object.entries(splitDatapathRun(run)).map(([stack, r]) => savePerfRun(root, stack, r));
}
