import { didYouMean } from "../labs/errors";
import type { Command, Io } from "./command";
import { COMMANDS } from "./commands";
import { exitCode, runToExit } from "./exit";
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
  return exitCode("usage");
}

function printHelp(command: Command, io: Io): number {
  io.stdout(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
  return exitCode("ok");
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
    return exitCode("ok");
  }
  if (name === "help" && rest.length > 0) {
    const about = COMMANDS.find((c) => c.name === rest[0]);
    return about ? printHelp(about, io) : unknownCommand(rest[0]!, io);
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(topLevelHelp());
    return exitCode(name === undefined ? "usage" : "ok");
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return unknownCommand(name, io);
  if (rest.includes("--help") || rest.includes("-h")) return printHelp(command, io);
  return runToExit(name, io, () => command.run(rest, io));
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
      process.exit(exitCode("failed"));
    },
  );
}

if (require.main === module) runProcessMain();
