import type { Io } from "./command";
import { COMMANDS } from "./commands";
import { cliHelp, runCli, runCliProcess, type CliSpec } from "./run-cli";

/** The cnilab of the machine that runs the labs: every command. */
export const MAIN_CLI: CliSpec = { commands: COMMANDS, title: "cnilab — Kubernetes networking labs on kind, compared across CNI backends" };

export function topLevelHelp(): string {
  return cliHelp(MAIN_CLI);
}

export function main(argv: string[], io: Io): Promise<number> {
  return runCli(MAIN_CLI, argv, io);
}

/** Runs the command line of this process and exits with its code (bin/cnilab.cjs and `npm run lab`). */
export function runProcessMain(): void {
  runCliProcess(MAIN_CLI);
}

if (require.main === module) runProcessMain();
