/**
 * node:util parseArgs with every parse error turned into a UsageError in our words, so a missing
 * option value ("--backend" at the end) is bad usage (exit 2, one line), like an unknown option, and
 * an unknown option is answered with the closest one and the list of what the command takes.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { didYouMean } from "../labs/errors";
import { UsageError } from "./command";

export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    const code = String((err as { code?: unknown }).code);
    if (code.startsWith("ERR_PARSE_ARGS_")) throw new UsageError(inOurWords(code, (err as Error).message, config));
    throw err;
  }
}

/** parseArgs' message (Node 22/24: "Unknown option '--x'", "Option '--x <value>' argument missing", …) said plainly. */
function inOurWords(code: string, message: string, config: ParseArgsConfig): string {
  const options = Object.entries(config.options ?? {}).map(([name, o]) => `--${name}${o.type === "string" ? " <value>" : ""}`);
  const known = `options: ${[...options, "-h/--help"].join(", ")}`;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return `unknown option '${quoted}'${didYouMean(quoted, Object.keys(config.options ?? {}).map((o) => `--${o}`))}; ${known}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `option ${quoted.split(" ")[0]} needs a value`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `unexpected argument '${quoted}'; this command takes options only (${known})`;
  return message;
}
