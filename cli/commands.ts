import type { Command } from "./command";
import { datapathCommand } from "./datapath";
import { policyCommand } from "./policy";
import { probeCommand } from "./probe";

/** Every subcommand, in the order `cnilab --help` lists them. Register a new one with one line here. */
export const COMMANDS: readonly Command[] = [
  probeCommand,
  policyCommand,
  datapathCommand,
];
