import type { Command } from "./command";
import { checkCommand } from "./check";
import { compareCommand } from "./compare";
import { datapathCommand } from "./datapath";
import { doctorCommand } from "./doctor";
import { downCommand } from "./down";
import { e2eCommand } from "./e2e";
import { explainCommand } from "./explain";
import { migrateCommand } from "./migrate";
import { perfCommand } from "./perf";
import { planCommand } from "./plan";
import { policyCommand } from "./policy";
import { probeCommand } from "./probe";
import { setupCommand } from "./setup";
import { upCommand } from "./up";
import { verifyCommand } from "./verify";
import { workshopCommand } from "./workshop";

/** Every subcommand, in the order `cnilab --help` lists them. Register a new one with one line here. */
export const COMMANDS: readonly Command[] = [
  doctorCommand,
  setupCommand,
  planCommand,
  upCommand,
  downCommand,
  verifyCommand,
  migrateCommand,
  e2eCommand,
  perfCommand,
  compareCommand,
  probeCommand,
  policyCommand,
  checkCommand,
  datapathCommand,
  explainCommand,
  workshopCommand,
];
