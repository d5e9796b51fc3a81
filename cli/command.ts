/**
 * The shape every `cnilab` subcommand has. A command parses its own arguments (node:util parseArgs),
 * writes to the streams it is given (so tests capture output) and returns its exit code:
 * 0 success, 1 the lab ran and something did not match, 2 bad usage or a missing prerequisite.
 */
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

/** A usage error: printed as one line with the command's usage, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}
