/**
 * The exit code of every `cnilab` command, decided here and nowhere else: commands say what happened
 * (an Outcome) and this table says which code that is. README "The CLI" documents the same table.
 */
import { InputError } from "../input/error";
import { PolicyInputError } from "../policy";
import { UsageError, type Io } from "./command";

export const OUTCOMES = ["ok", "mismatch", "failed", "usage", "invalid-input", "missing-prerequisite", "not-up", "interrupted"] as const;
/**
 * ok                    everything as expected
 * mismatch              the lab ran and something did not behave as expected
 * failed                the command ran and something could not be done (an update, a removal)
 * usage                 bad command line
 * invalid-input         a stack, lab or object file that does not validate, or collides with another lab
 * missing-prerequisite  something the machine must have first (Docker, kind, Pulumi, a kernel feature)
 * not-up                the lab the command reads is not up
 * interrupted           cancelled with Ctrl-C
 */
export type Outcome = (typeof OUTCOMES)[number];

/** 0 as expected; 1 it ran and something did not match or failed; 2 it could not run as asked; 130 Ctrl-C (128 + SIGINT). */
const EXIT_CODES: Readonly<Record<Outcome, number>> = {
  ok: 0,
  mismatch: 1,
  failed: 1,
  usage: 2,
  "invalid-input": 2,
  "missing-prerequisite": 2,
  "not-up": 2,
  interrupted: 130,
};

export function exitCode(outcome: Outcome): number {
  return EXIT_CODES[outcome];
}

/** ok, or mismatch when anything disagreed. */
export function matched(ok: boolean): number {
  return exitCode(ok ? "ok" : "mismatch");
}

/**
 * A thrown error that is the user's input, as the one input error: InputError itself (lab and stack
 * files, usage), the policy engine's PolicyInputError (its problems name the object), and node:util
 * parseArgs's own errors. Undefined for anything else: a failure of the command, not of its input.
 */
export function asInputError(err: unknown): InputError | undefined {
  if (err instanceof InputError) return err;
  if (err instanceof PolicyInputError) return new InputError(err.problems.map((line) => ({ source: "", path: "", message: line })), err.message.split(":\n")[0]);
  return undefined;
}

/**
 * Runs a command and turns what it threw into its exit code, one line (or a file's problems) on
 * stderr, never a stack trace: bad usage (with a pointer to --help), bad input, or the command's own
 * failure.
 */
export async function runToExit(command: string, io: Io, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    // Every node:util parseArgs failure (unknown option, missing value, unexpected positional) is usage.
    if (err instanceof UsageError || String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) {
      io.stderr(`cnilab ${command}: ${(err as Error).message}\n(see 'cnilab ${command} --help')\n`);
      return exitCode("usage");
    }
    // A file's problems, every one on its own line under what it is.
    const input = asInputError(err);
    if (input) {
      io.stderr(`cnilab ${command}: ${input.message}\n`);
      return exitCode("invalid-input");
    }
    io.stderr(`cnilab ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCode("failed");
  }
}
