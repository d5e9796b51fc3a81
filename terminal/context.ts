/**
 * The participant's context file in their terminal (TERMINAL_PATHS.context): which workshop and
 * participant the terminal is, their backend, their lab, and the lab's `assertions` output (the
 * probes with their expectations and where their Jobs run: what `workshop up` judges them by). The
 * terminal's `cnilab verify` and `cnilab check --live` read it (cli/terminal-context.ts); it holds
 * nothing secret, and their own lab alone.
 *
 * Read strictly: a missing, unparsable or malformed file is an InputError naming the file and the
 * field, never a crash further on.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { BACKENDS } from "../backends/types";
import { InputError } from "../input/error";
import { fileProblem } from "../labs/errors";
import { zodProblems } from "../labs/zod-problems";
import type { ImageMap } from "../pins/image-map";
import type { AssertionsOutput } from "../plan/outputs";
import { PROBE_OUTCOMES, PROBE_PROTOCOLS } from "../probe/types";

/**
 * A probe as verify() reads it (assertions/types.ts ResolvedProbe); optional fields (endpoint,
 * within, content) pass through, as the stack output holds them.
 */
const probeSchema = z.looseObject({
  id: z.string().min(1),
  group: z.string().min(1),
  client: z.string().min(1),
  to: z.string(),
  toLabel: z.string(),
  port: z.number().int().min(0).max(65535),
  protocol: z.enum(PROBE_PROTOCOLS),
  expect: z.enum(PROBE_OUTCOMES),
  accept: z.array(z.enum(PROBE_OUTCOMES)).optional(),
  why: z.string(),
  basis: z.looseObject({ kind: z.enum(["policy", "limitation", "health", "check"]) }),
});

export const terminalContextSchema = z.strictObject({
  workshop: z.string().min(1),
  participant: z.string().min(1),
  backend: z.enum(BACKENDS),
  /** The lab's name (labs/<lab>.yaml), the one the participant's exercises run on. */
  lab: z.string().min(1),
  assertions: z.strictObject({
    probes: z.array(probeSchema),
    skipped: z.array(z.strictObject({ id: z.string(), group: z.string(), reason: z.string() })),
    jobs: z.array(z.strictObject({ client: z.string().min(1), namespace: z.string().min(1), name: z.string().min(1) })),
  }),
  imageMap: z.record(z.string().min(1), z.string().min(1)).optional(),
});

export interface TerminalContext {
  workshop: string;
  participant: string;
  backend: (typeof BACKENDS)[number];
  lab: string;
  assertions: AssertionsOutput;
  /**
   * What the lab's pinned images run as (its stack's `cnilab:imageMap`), so a live check's probe Jobs
   * run what the lab's own Jobs run. `workshop up` writes none: its clusters pull the pinned
   * references through the hosts' registry caches. local/terminal-live.sh writes its lab stack's.
   */
  imageMap?: ImageMap;
}

/** The file's text, as components/workshop/terminal.ts uploads it. */
export function terminalContextText(context: TerminalContext): string {
  return `${JSON.stringify(context, null, 1)}\n`;
}

/** The context in `file`; what is wrong with it as an InputError naming the file (and the field). */
export function readTerminalContext(file: string): TerminalContext {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError([{ source: file, path: "", message: `the terminal's lab context ${fileProblem(err)} ('cnilab workshop up' puts it in each participant's terminal)` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError([{ source: file, path: "", message: `the terminal's lab context is not JSON: ${(err as Error).message}` }]);
  }
  const parsed = terminalContextSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new InputError(zodProblems(terminalContextSchema, parsed.error.issues, file));
  return parsed.data as unknown as TerminalContext;
}
