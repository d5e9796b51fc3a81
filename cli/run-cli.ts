/**
 * One command line, whichever set of commands it offers: the main `cnilab` (cli/main.ts) and the
 * read-only one in a workshop participant's browser terminal (cli/terminal-main.ts) both dispatch
 * here, so help, --version, unknown commands and exit codes read the same in both.
 */
import { didYouMean } from "../labs/errors";
import { wantsColour } from "../host/colour";
import { packageInfo } from "../host/node-check";
import { userDir } from "../host/state";
import type { Command, Io } from "./command";
import { exitCode, runToExit } from "./exit";

export interface CliSpec {
  /** Every subcommand, in the order the top-level help lists them. */
  commands: readonly Command[];
  /** The top-level help's first line: what this cnilab is. */
  title: string;
  /** Lines after the command list (what this cnilab is not for); none by default. */
  notes?: readonly string[];
}

/** package.json's version: what `cnilab --version` prints. */
export function version(): string {
  return packageInfo().version;
}

/** An unknown command named with the closest one and the list. */
function unknownCommand(cli: CliSpec, name: string, io: Io): number {
  const names = cli.commands.map((c) => c.name);
  io.stderr(`cnilab: unknown command '${name}'${didYouMean(name, names)}; commands: ${names.join(", ")}\n`);
  return exitCode("usage");
}

function printHelp(command: Command, io: Io): number {
  io.stdout(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
  return exitCode("ok");
}

export function cliHelp(cli: CliSpec): string {
  const width = Math.max(...cli.commands.map((c) => c.name.length), 4);
  const rows = cli.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return [
    cli.title,
    "",
    "Usage: cnilab <command> [options]     (cnilab help <command>, or cnilab <command> --help, for details)",
    "       cnilab --version",
    "",
    "Commands:",
    rows,
    "",
    ...(cli.notes && cli.notes.length > 0 ? [...cli.notes, ""] : []),
  ].join("\n");
}

export async function runCli(cli: CliSpec, argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout(`cnilab ${version()}\n`);
    return exitCode("ok");
  }
  if (name === "help" && rest.length > 0) {
    const about = cli.commands.find((c) => c.name === rest[0]);
    return about ? printHelp(about, io) : unknownCommand(cli, rest[0]!, io);
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(cliHelp(cli));
    return exitCode(name === undefined ? "usage" : "ok");
  }
  const command = cli.commands.find((c) => c.name === name);
  if (!command) return unknownCommand(cli, name, io);
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

/** Runs this process's command line with `cli` and exits with its code. */
export function runCliProcess(cli: CliSpec): void {
  runCli(cli, process.argv.slice(2), processIo()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`cnilab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(exitCode("failed"));
    },
  );
}
