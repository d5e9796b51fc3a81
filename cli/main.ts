import { didYouMean } from "../labs/errors";
import type { Command, Io } from "./command";
import { UsageError } from "./command";
import { COMMANDS } from "./commands";
import { packageInfo } from "../host/node-check";
import { userDir } from "../host/state";
import { wantsColour } from "../host/colour";

/** package.json's version: what `cnilab --version` prints. */
export function version(): string {
  return packageInfo().version;
}

/** An unknown command named with the closest one and the list. */
function unknownCommand(name: string, io: Io): number {
  io.stderr(`cnilab: unknown command '${name}'${didYouMean(name, COMMANDS.map((c) => c.name))}; commands: ${COMMANDS.map((c) => c.name).join(", ")}\n`);
  return 2;
}

function printHelp(command: Command, io: Io): number {
  io.stdout(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
  return 0;
}

export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return [
    "cnilab — Kubernetes networking labs on kind, compared across CNI backends",
    "",
    "Usage: cnilab <command> [options]     (cnilab help <command>, or cnilab <command> --help, for details)",
    "       cnilab --version",
    "",
    "Commands:",
    rows,
    "",
  ].join("\n");
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout(`cnilab ${version()}\n`);
    return 0;
  }
  if (name === "help" && rest.length > 0) {
    const about = COMMANDS.find((c) => c.name === rest[0]);
    return about ? printHelp(about, io) : unknownCommand(rest[0]!, io);
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(topLevelHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return unknownCommand(name, io);
  if (rest.includes("--help") || rest.includes("-h")) return printHelp(command, io);
  try {
    return await command.run(rest, io);
  } catch (err) {
    // Every node:util parseArgs failure (unknown option, missing value, unexpected positional) is usage.
    if (err instanceof UsageError || String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) {
      io.stderr(`cnilab ${name}: ${(err as Error).message}\n(see 'cnilab ${name} --help')\n`);
      return 2;
    }
    // Anything else is still this command's failure: one line with its prefix, never a stack trace.
    io.stderr(`cnilab ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** The process's own streams and environment; relative paths mean the user's directory (userDir). */
export function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: userDir(process.env, process.cwd()),
    env: process.env,
    colour: wantsColour(process.stdout.isTTY, process.env),
  };
}

/** Runs the command line of this process and exits with its code (bin/cnilab.cjs and `npm run lab`). */
export function runProcessMain(): void {
  main(process.argv.slice(2), processIo()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`cnilab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) runProcessMain();
