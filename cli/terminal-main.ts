/**
 * The entry of the cnilab in a workshop participant's browser terminal: terminal/image.ts bundles
 * this file (by path) into the image as TERMINAL_PATHS.cli/cnilab.js, run by the `cnilab` wrapper.
 * Read-only, and about the participant's own lab: verify, check, policy matrix.
 */
import { TERMINAL_COMMANDS } from "./terminal-commands";
import { runCliProcess, type CliSpec } from "./run-cli";

export const TERMINAL_CLI: CliSpec = {
  commands: TERMINAL_COMMANDS,
  title: "cnilab in your workshop terminal — read-only: your own lab's probes, exercises and NetworkPolicy reachability",
  notes: ["up, down and workshop run on the instructor's machine: this cnilab reads your lab, it changes nothing."],
};

if (require.main === module) runCliProcess(TERMINAL_CLI);
