import type { Command } from "./command";
import { policyCommand } from "./policy";
import { terminalCheckCommand } from "./terminal-check";
import { terminalVerifyCommand } from "./terminal-verify";

/**
 * The read-only commands of a participant's browser terminal (cli/terminal-main.ts), in the order
 * its help lists them. A registry of its own, beside cli/commands.ts: the terminal's cnilab is
 * bundled from here, and importing cli/commands.ts would bundle every command (Pulumi, kind,
 * esbuild) into a terminal that can run none of them.
 */
export const TERMINAL_COMMANDS: readonly Command[] = [terminalVerifyCommand, terminalCheckCommand, policyCommand];
