import type { Command } from "./command";
import { PROBE_HELP, runProbeCommand } from "../probe/command";

/** `cnilab probe`: the same program the assertion Jobs run in the cluster, run here. */
export const probeCommand: Command = {
  name: "probe",
  summary: "run a probe plan (JSON) and print one JSON result line per probe",
  help: PROBE_HELP,
  run: (argv, io) => runProbeCommand(argv, io),
};
