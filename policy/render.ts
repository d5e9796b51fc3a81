/**
 * The matrix as people and scripts read it: truth tables in the style of upstream e2e's
 * TruthTable.PrettyPrint (test/e2e/network/netpol/truthtable.go @8b0e1d0: "-" corner, `.` connected, `X` blocked), and result rows
 * for `--output json`.
 */
import type { PolicyMatrix } from "./engine";
import { formatQuery } from "./ports";
import { describeVerdict } from "./reason";
import type { Protocol } from "./types";

const MARK = { allowed: ".", denied: "X", "no-such-port": "-" } as const;

/** One row of `cnilab policy matrix --output json`; a stable interface other tools read. */
export interface MatrixResultRow {
  from: string;
  to: string;
  /** The port number connected to (a named port's number on that destination). */
  port: number;
  protocol: Protocol;
  allowed: boolean;
  reason: string;
  /** Source and destination are the same pod; upstream e2e does not judge these. */
  loopback: boolean;
}

/**
 * Every (source, destination) pair per port, by port then source then destination. Pairs whose
 * destination does not declare a named query port are left out: there is no port to connect to.
 */
export function* matrixResults(matrix: PolicyMatrix): Generator<MatrixResultRow> {
  const n = matrix.pods.length;
  for (let q = 0; q < matrix.ports.length; q++) {
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < n; d++) {
        const verdict = matrix.verdict(s, d, q);
        if (verdict === "no-such-port") continue;
        const e = matrix.explain(s, d, q);
        yield { from: e.from, to: e.to, port: e.port!, protocol: e.protocol, allowed: verdict === "allowed", reason: describeVerdict(e), loopback: e.loopback };
      }
    }
  }
}

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
