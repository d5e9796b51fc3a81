import type { Command } from "./command";

/** Every subcommand, in the order `cnilab --help` lists them. Register a new one with one line here. */
export const COMMANDS: readonly Command[] = [];
