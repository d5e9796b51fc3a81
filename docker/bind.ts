import type { ProbeResult } from "../probe/types";
import { CLASH_BOUND_S } from "./servers";

/** busybox httpd's message when its bind fails with EADDRINUSE (measured on Docker 20.10.24 here). */
const IN_USE = /Address already in use/i;

/** What a clash container left: its exit code and its log (plain text: it runs with a TTY). */
export interface ContainerExit {
  exitCode: number;
  log: string;
}

/**
 * A clash container's listen as a result of the shared language: `in-use` when its log says
 * EADDRINUSE and it exited non-zero; otherwise an error saying what happened instead (it served
 * until `timeout` stopped it: the port was free), so a wrong fact shows as a failure.
 */
export function bindResult(id: string, exit: ContainerExit): ProbeResult {
  const said = exit.log.trim().split(/\r?\n/).filter(Boolean).pop() ?? "(no output)";
  if (exit.exitCode !== 0 && IN_USE.test(exit.log)) {
    return { id, ok: true, outcome: "in-use", latencyMs: 0, attempts: 1, detail: `${said.trim()} (exit ${exit.exitCode})` };
  }
  const what = exit.exitCode === 0 ? "exited 0" : `exited ${exit.exitCode}`;
  return { id, ok: false, outcome: "error", latencyMs: 0, attempts: 1, detail: `no bind failure: it ${what} within its ${CLASH_BOUND_S} s bound, last said: ${said.trim()}` };
}
