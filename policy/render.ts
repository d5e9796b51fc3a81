/**
 * The matrix as people and scripts read it: truth tables in the style of upstream e2e's
 * TruthTable.PrettyPrint (test/e2e/network/netpol/truthtable.go @8b0e1d0: "-" corner, `.` connected, `X` blocked).
 */
import type { PolicyMatrix } from "./engine";
import { formatQuery } from "./ports";

const MARK = { allowed: ".", denied: "X", "no-such-port": "-" } as const;

/** One table for port index `q`: rows are sources, columns destinations. */
export function renderTruthTable(matrix: PolicyMatrix, q: number): string {
  const query = matrix.ports[q]!;
  const names = matrix.pods;
  const hasMissing = names.some((_, d) => matrix.port(d, q) === undefined);
  const legend = `. allowed, X denied${hasMissing ? ", - no such port on that destination" : ""}`;
  const title = `${formatQuery(query)}  (rows: from, columns: to; ${legend})`;
  const rowWidth = Math.max(1, ...names.map((p) => p.length));
  const header = ["-".padEnd(rowWidth), ...names].join(" ");
  const rows = names.map((from, s) => {
    const cells = names.map((to, d) => MARK[matrix.verdict(s, d, q)].padEnd(to.length));
    return [from.padEnd(rowWidth), ...cells].join(" ").trimEnd();
  });
  return [title, header, ...rows].join("\n") + "\n";
}

export function renderTruthTables(matrix: PolicyMatrix): string {
  return matrix.ports.map((_, q) => renderTruthTable(matrix, q)).join("\n");
}
