/**
 * node:util parseArgs with every parse error turned into a UsageError, so a missing option value
 * ("--backend" at the end) is bad usage (exit 2, one line), like an unknown option.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command";

export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    if (String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) throw new UsageError((err as Error).message);
    throw err;
  }
}
