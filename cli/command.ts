/**
 * The shape every `cnilab` subcommand has. A command parses its own arguments (node:util parseArgs),
 * writes to the streams it is given (so tests capture output) and returns its exit code, which
 * cli/exit.ts alone decides from what happened (exitCode).
 */
import { InputError, type InputProblem } from "../input/error";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Working directory the command resolves relative paths against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Colour pass / fail on stdout (a terminal, no NO_COLOR: host/colour.ts); absent = plain. */
  colour?: boolean;
}

export interface Command {
  name: string;
  /** One line for `cnilab --help`. */
  summary: string;
  /** Full `--help` text: usage, arguments, options with defaults, an example. */
  help: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** Where a usage problem is: the command line. */
export const COMMAND_LINE = "command line";

/**
 * Bad input on the command line: the one input error (input/error.ts) whose source is the command
 * line. Printed as one line with a pointer to the command's --help, never a stack trace.
 */
export class UsageError extends InputError {
  override name = "UsageError";
  constructor(message: string, field: Partial<Pick<InputProblem, "path" | "value" | "allowed">> = {}) {
    super([{ source: COMMAND_LINE, path: "", ...field, message }]);
    // The line the user reads names the option itself: no "command line: " in front.
    this.message = message;
  }
}
