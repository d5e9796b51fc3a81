import { plain, type Paint } from "../host/colour";
import { REACHED_OUTCOMES } from "../probe/types";
import { portOf } from "./render";
import type { ProbeRow } from "./types";

/**
 * Truth tables like the upstream NetworkPolicy e2e suite's expected / observed / comparison tables
 * (`.` reached: connected, or a file found; `X` not; `?` unknown; kubernetes test/e2e/network/netpol/truthtable.go @8b0e1d0,
 * research/netpol-anchors.md): one set per group and port, rows = sources, columns = targets. The
 * policy engine's own matrix tables are policy/render.ts.
 */

type Cell = "." | "X" | "?";
const reached = (o: ProbeRow["observed"]): boolean => (REACHED_OUTCOMES as readonly string[]).includes(o);
/** `?` when the facts accept both reaching the target and a failure. */
function expectedCell(p: ProbeRow): Cell {
  const outcomes = [p.expect, ...(p.accept ?? [])];
  const reaches = outcomes.filter(reached).length;
  return reaches === outcomes.length ? "." : reaches === 0 ? "X" : "?";
}
const observedCell = (p: ProbeRow): Cell => (p.observed === "error" ? "?" : reached(p.observed) ? "." : "X");
const comparisonCell = (p: ProbeRow): Cell => (p.status === "pass" ? "." : "X");

function tables(probes: readonly ProbeRow[]): string[] {
  const rows = [...new Set(probes.map((p) => p.client))];
  const cols = [...new Set(probes.map((p) => p.toLabel))];
  const width = Math.max(...rows.map((r) => r.length), 6);
  const index = new Map(probes.map((p) => [`${p.client}|${p.toLabel}`, p]));
  const table = (title: string, cell: (p: ProbeRow) => string) => [
    title,
    `${" ".repeat(width)}  ${cols.map((_, i) => String(i + 1).padStart(2)).join(" ")}`,
    ...rows.map((r) => `${r.padEnd(width)}  ${cols.map((c) => { const p = index.get(`${r}|${c}`); return (p ? cell(p) : " ").padStart(2); }).join(" ")}`),
  ];
  return [
    ...table("expected", expectedCell),
    ...table("observed", observedCell),
    ...table("comparison (X = wrong)", comparisonCell),
    ...cols.map((c, i) => `  ${String(i + 1).padStart(2)} = ${c}`),
  ];
}

/** For every group and port/protocol of the probes that ran: a heading with the tally, then its tables. */
export function renderProbeTruthTables(rows: readonly ProbeRow[], paint: Paint = plain): string[] {
  const ran = rows.filter((p) => p.status !== "skipped");
  const lines: string[] = [];
  for (const group of new Set(ran.map((p) => p.group))) {
    const inGroup = ran.filter((p) => p.group === group);
    for (const port of new Set(inGroup.map(portOf))) {
      const these = inGroup.filter((p) => portOf(p) === port);
      const ok = these.filter((p) => p.status === "pass").length;
      lines.push(`== ${group}  ${port}  ${paint(ok === these.length ? "good" : "bad", `(${ok}/${these.length} as expected)`)}`, ...tables(these), "");
    }
  }
  return lines;
}
