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
  /** Characters per chunk yielded, about. @default 1 MiB */
  chunkChars?: number;
}

/**
 * `{"results":[…]}` with one row per line, by port, then source, then destination, in the key order
 * of MatrixResultRow. Pairs whose destination does not declare a named query port are left out:
 * there is no port to connect to.
 */
/** The end of a row without a reason, by allowed × loopback. */
const TAILS = ['false,"loopback":false}', 'false,"loopback":true}', 'true,"loopback":false}', 'true,"loopback":true}'] as const;

export function* matrixJson(matrix: PolicyMatrix, options: MatrixJsonOptions = {}): Generator<string> {
  const chunkChars = options.chunkChars ?? 2 ** 20;
  const n = matrix.pods.length;
  const from = matrix.pods.map((p) => `\n{"from":${JSON.stringify(p)},"to":`);
  let chunk = '{"results":[';
  let separator = "";
  for (let q = 0; q < matrix.ports.length; q++) {
    const protocol = JSON.stringify(matrix.ports[q]!.protocol);
    // Everything after "to": up to the value of "allowed", per destination; undefined: no such port.
    const toPort = matrix.pods.map((p, d) => {
      const port = matrix.port(d, q);
      return port === undefined ? undefined : `${JSON.stringify(p)},"port":${port},"protocol":${protocol},"allowed":`;
    });
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < n; d++) {
        const rest = toPort[d];
        if (rest === undefined) continue;
        const allowed = matrix.allowed(s, d, q);
        const tail = options.reasons ? `${allowed},"reason":${JSON.stringify(describeVerdict(matrix.explain(s, d, q)))},"loopback":${s === d}}` : TAILS[+allowed * 2 + +(s === d)]!;
        chunk += separator + from[s] + rest + tail;
        separator = ",";
        if (chunk.length >= chunkChars) {
          yield chunk;
          chunk = "";
        }
      }
    }
  }
  yield `${chunk}\n]}\n`;
}
