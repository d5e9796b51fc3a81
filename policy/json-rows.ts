/**
 * `cnilab policy matrix --output json`: the matrix as one JSON document, written in chunks. At
 * cluster scale (1,000 pods, 2 ports: 2 million rows) reasons are most of the bytes and most of the
 * time, so a row carries one only when asked; and rows are assembled from fragments serialised
 * once per pod and per port, not by JSON.stringify on an object per row.
 */
import type { PolicyMatrix } from "./engine";
import { describeVerdict } from "./reason";
import type { Protocol } from "./types";

/** One row of `cnilab policy matrix --output json`; a stable interface other tools read. */
export interface MatrixResultRow {
  from: string;
  to: string;
  /** The port number connected to (a named port's number on that destination). */
  port: number;
  protocol: Protocol;
  allowed: boolean;
  /** Why, in a sentence: only with `--reasons` (`reasons: true`). */
  reason?: string;
  /** Source and destination are the same pod; upstream e2e does not judge these. */
  loopback: boolean;
}

export interface MatrixJsonOptions {
  /** Give every row its reason (a few hundred bytes each). @default false */
  reasons?: boolean;
  /** Rows per chunk yielded. @default 2000 */
  chunkRows?: number;
}

/**
 * `{"results":[…]}` with one row per line, by port, then source, then destination, in the key order
 * of MatrixResultRow. Pairs whose destination does not declare a named query port are left out:
 * there is no port to connect to.
 */
export function* matrixJson(matrix: PolicyMatrix, options: MatrixJsonOptions = {}): Generator<string> {
  const chunkRows = options.chunkRows ?? 2000;
  const from = matrix.pods.map((p) => `{"from":${JSON.stringify(p)},"to":`);
  const to = matrix.pods.map((p) => JSON.stringify(p));
  const n = matrix.pods.length;
  let rows: string[] = [];
  let first = true;
  yield '{"results":[';
  for (let q = 0; q < matrix.ports.length; q++) {
    const protocol = JSON.stringify(matrix.ports[q]!.protocol);
    const portOf = matrix.pods.map((_, d) => matrix.port(d, q));
    const portText = portOf.map((port) => (port === undefined ? "" : `,"port":${port},"protocol":${protocol},"allowed":`));
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < n; d++) {
        if (portOf[d] === undefined) continue;
        const allowed = matrix.allowed(s, d, q);
        const reason = options.reasons ? `,"reason":${JSON.stringify(describeVerdict(matrix.explain(s, d, q)))}` : "";
        rows.push(`${first ? "" : ","}\n${from[s]}${to[d]}${portText[d]}${allowed}${reason},"loopback":${s === d}}`);
        first = false;
        if (rows.length >= chunkRows) {
          yield rows.join("");
          rows = [];
        }
      }
    }
  }
  yield `${rows.join("")}\n]}\n`;
}
