/**
 * The workshop file's `terminals` key: a browser terminal per participant when present
 * (`terminals: {}` takes every default). Strict: an unknown key is an error.
 */
import { z } from "zod";

export const terminalsSchema = z.strictObject({
  /** Participant i's terminal listens on port portBase + i of their host; clear of the API ports' 20443 +. */
  portBase: z.number().int().min(1024).max(65000).default(7700),
  /** The server closes a session after this many minutes without a key; the page says so, a reload starts anew. */
  idleMinutes: z.number().positive().max(24 * 60).default(30),
  /** CPUs one terminal may use: kubectl and a shell, not a build machine. */
  cpus: z.number().positive().max(8).default(0.5),
  /**
   * Memory (MiB) one terminal may use; the kernel kills what goes past it inside that container only.
   * What shares it (resident peaks measured with /usr/bin/time -f %M, Node 24): the server (about
   * 50 MB), each run of the terminal's cnilab (95 MB for --version, more with a cluster's objects
   * read), kubectl (tens of MB), the shell: 512 leaves room for two tabs at work at once.
   */
  memoryMiB: z.number().int().min(64).max(8192).default(512),
  /**
   * Processes (Linux counts threads) the participant's user may run, the server's own included: a
   * fork loop stops there and the server keeps answering. Per participant because each terminal runs
   * as a user id of its own (terminal/plan.ts), which is what RLIMIT_NPROC counts.
   */
  processes: z.number().int().min(64).max(4096).default(256),
});
export type TerminalsInput = z.input<typeof terminalsSchema>;
export type TerminalSettings = z.output<typeof terminalsSchema>;
