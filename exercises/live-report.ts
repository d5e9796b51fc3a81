/**
 * A live check, cell by cell: the goal, the engine's prediction on the cluster's policies, and what
 * the probes observed, as judged by the one assertion core (assertions/verify.ts: each probe
 * against what the backend is expected to do). Where the observation and the prediction part, it
 * says why: the backend does not enforce that part of NetworkPolicy, or the cluster disagrees.
 */
import type { Basis, ResolvedProbe } from "../assertions";
import { trafficProbeId } from "../assertions/policy-probes";
import type { VerifyReport } from "../assertions/verify";
import type { ExerciseTask } from "../labs/exercise";
import { asExpected } from "../verdict/judge";
import type { ProbeRow } from "../verdict/types";
import { renderHint, renderMisses, type Hint } from "./render";
import { columns } from "../text/columns";
import type { Grade, GradedCell } from "./grade";
import { formatQuery } from "../policy";

export const AGREEMENTS = ["as-predicted", "not-enforced", "cluster-disagrees", "no-result", "engine-only", "not-probed"] as const;
/**
 * as-predicted       every probe observed the engine's verdict
 * not-enforced       observed what the backend does, which is not the verdict: it does not enforce that part
 * cluster-disagrees  observed something the engine and the backend's facts do not explain
 * no-result          a probe did not report
 * engine-only        a cell to the cluster's own pods, judged by the engine alone
 * not-probed         the probe program cannot try it (SCTP, a port the target lacks)
 */
export type Agreement = (typeof AGREEMENTS)[number];

export interface LiveCell extends GradedCell {
  /** The outcomes the cell's probes observed, one per pod of the target. */
  observed: string[];
  agreement: Agreement;
  /** Why, when the observation is not simply the prediction. */
  note?: string;
}

export interface LiveCheck {
  exercise: string;
  stack: string;
  backend: string;
  grade: Grade;
  cells: LiveCell[];
  probes: VerifyReport["probes"];
  counts: VerifyReport["counts"];
  /** Every cell meets its goal and every probe observed what the backend is expected to do. */
  ok: boolean;
}

/** `probes`: what was planned (their basis says which parts of NetworkPolicy the backend leaves unenforced). */
export function joinLive(ex: ExerciseTask, grade: Grade, report: VerifyReport, probes: readonly ResolvedProbe[]): LiveCheck {
  const basis = new Map(probes.map((p) => [p.id, p.basis]));
  const cells = grade.cells.map((cell, i): LiveCell => {
    const goal = ex.goal[i]!;
    const pod = ex.clusterPods.find((p) => p.name === goal.to);
    if (pod) return { ...cell, observed: [], agreement: "engine-only", note: pod.engineOnly };
    const id = trafficProbeId(ex.name, goal);
    const rows = report.probes.filter((r) => r.status !== "skipped" && (r.id === `${id}-pod` || r.id.startsWith(`${id}-pod@`)));
    const skip = report.probes.find((r) => r.status === "skipped" && r.id.startsWith(id));
    if (rows.length === 0) return { ...cell, observed: [], agreement: "not-probed", note: skip?.why ?? "no probe was planned for it" };
    return { ...cell, observed: [...new Set(rows.map((r) => r.observed))], ...agreementOf(rows, (r) => notEnforced(basis.get(r.id))) };
  });
  return { exercise: ex.name, stack: report.stack, backend: report.backend, grade, cells, probes: report.probes, counts: report.counts, ok: grade.done && asExpected(report.counts) };
}

const notEnforced = (b: Basis | undefined): readonly string[] => (b?.kind === "policy" ? b.notEnforced : []);

function agreementOf(rows: readonly ProbeRow[], unenforced: (r: ProbeRow) => readonly string[]): Pick<LiveCell, "agreement" | "note"> {
  const error = rows.find((r) => r.status === "error");
  // The explanation says what an error means; the detail, what the log reader found (e.g. an image the pod cannot pull).
  if (error) return { agreement: "no-result", note: [error.explanation, error.detail && `[${error.detail}]`].filter((x) => x).join(" ") };
  const wrong = rows.find((r) => r.status === "mismatch");
  if (wrong) return { agreement: "cluster-disagrees", note: `the cluster disagrees with the engine: ${wrong.explanation ?? ""}` };
  // Every probe saw what the backend is expected to do; that differs from the verdict only where a
  // part of NetworkPolicy is not enforced, and the expectation's reason then says which and why.
  const lax = rows.find((r) => unenforced(r).length > 0);
  return lax ? { agreement: "not-enforced", note: `the backend does not enforce ${unenforced(lax).join(" and ")} policy: ${lax.why}` } : { agreement: "as-predicted" };
}

const MARK: Record<Agreement, string> = {
  "as-predicted": "ok",
  "not-enforced": "not enforced",
  "cluster-disagrees": "DISAGREES",
  "no-result": "NO RESULT",
  "engine-only": "engine only",
  "not-probed": "not probed",
};

/** Goal, prediction and observation side by side, the misses with the engine's reasons, then each disagreement explained. */
export function renderLive(check: LiveCheck, hint: Hint | undefined): string {
  const { grade, counts } = check;
  const head = `exercise ${check.exercise} on ${check.stack} (${check.backend}): ${grade.met} of ${grade.total} goal cells met; probes: ${counts.pass} as expected, ${counts.mismatch} mismatched, ${counts.error} errors`;
  const table = columns([
    ["from", "to", "port", "goal", "predicted", "observed", ""],
    ...check.cells.map((c) => [c.from, c.to, formatQuery(c), c.goal, c.predicted, c.observed.join(", ") || "—", c.met ? MARK[c.agreement] : `MISS, ${MARK[c.agreement]}`]),
  ]);
  const notes = check.cells.filter((c) => c.note && c.agreement !== "engine-only");
  const engineOnly = [...new Set(check.cells.filter((c) => c.agreement === "engine-only").map((c) => c.note!))];
  return [
    head,
    ...table,
    "",
    ...renderMisses(check.cells),
    ...(notes.length > 0 ? ["Cluster:", ...notes.map((c) => `  ${c.from} → ${c.to} ${formatQuery(c)}: ${c.note}`), ""] : []),
    ...engineOnly.map((n) => `Note: ${n}.`),
    ...(engineOnly.length > 0 ? [""] : []),
    ...renderHint(hint),
  ].join("\n");
}
