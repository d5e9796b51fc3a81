/**
 * The one error type for bad user input — a lab or stack file, a Kubernetes object given to
 * `policy matrix`, an option on the command line. It lists every problem at once, each with where it
 * is (the file, the path of the field), what is wrong, and when they help, the value given and what
 * is allowed: like kind's config validation, which collects all errors. Whoever meets bad input
 * throws it; only the CLI (cli/exit.ts) turns it into an exit code.
 */

export interface InputProblem {
  /** The file (or "stack config", "command line") the problem is in, relative to the project root. */
  source: string;
  /** Dotted path with indexes: `scenarios[2].policies[0].spec.podSelector`, or an option: `--port`; "" for the whole. */
  path: string;
  /** What is wrong. */
  message: string;
  /** The value given, when the message does not already quote it. */
  value?: string;
  /** What is allowed there, when the message does not already say it. */
  allowed?: readonly string[];
}

export class InputError extends Error {
  override name = "InputError";
  /**
   * `headline`, when given, comes first and the problems follow indented, one per line (the form a
   * whole file's problems are printed in); without it the message is the problems, one per line.
   */
  constructor(
    readonly problems: readonly InputProblem[],
    readonly headline?: string,
  ) {
    const lines = problems.map(formatProblem);
    super(headline === undefined ? lines.join("\n") : `${headline}:\n${lines.map((l) => `  ${l}`).join("\n")}`);
  }
}

/** "source: path: message (got 'value'; allowed: a, b)", leaving out what a problem does not have. */
export function formatProblem(p: InputProblem): string {
  const where = [p.source, p.path].filter((part) => part !== "").join(": ");
  const more = [p.value !== undefined ? `got '${p.value}'` : "", p.allowed ? `allowed: ${p.allowed.join(", ")}` : ""].filter((m) => m !== "");
  return `${where ? `${where}: ` : ""}${p.message}${more.length > 0 ? ` (${more.join("; ")})` : ""}`;
}

/** `scenarios[2].policies[0]` from a path of keys and indexes. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
