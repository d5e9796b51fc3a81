/**
 * `cnilab verify` in a participant's terminal: their own lab's assertion Jobs read back with their
 * kubeconfig and judged by the one assertion core, as `workshop up` judged them (the probes, Jobs
 * and skips come from the context file, not from a stack: the terminal has no Pulumi).
 */
import { verify } from "../assertions/verify";
import { BACKEND_FACTS } from "../backends";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { readJobLogs, type JobLogs } from "./job-logs";
import type { AssertionsOutput } from "../plan/outputs";
import { showVerify } from "./services/verify-report";
import { ownLabName, readOwnContext, readOwnKubeconfig } from "./services/terminal-lab";

const HELP = `Usage: cnilab verify [--json] [--junit FILE]

Your lab, expected against observed for every probe: reads the results of its assertion Jobs (one
per source identity: the health suite and the clients of the policy scenarios) from your cluster and
prints truth tables per scenario and port (. connected, X blocked, ? no result), then each mismatch
with the reason it was expected (the policy and rule, the backend's enforcement, its limitations) and
what the observation means. A result line that is missing or unreadable is an error, never a pass.

Which lab is yours comes from the file 'cnilab workshop up' put in this terminal ($CNILAB_TERMINAL_CONTEXT:
your workshop, backend, lab and its probes); your cluster is the one your kubeconfig ($KUBECONFIG)
names. The report is saved under $CNILAB_STATE/results/.

Options
  --json        print the report as JSON instead of tables
  --junit FILE  also write a JUnit XML file (one testsuite per scenario)

Exit status: 0 everything as expected; 1 a mismatch or an error; 2 bad usage, or no readable lab
context or kubeconfig (the message names the file and the field).

Examples
  cnilab verify
  cnilab verify --json | jq '.probes[] | select(.status != "pass")'
`;

export async function runTerminalVerify(argv: string[], io: Io, readLogs: (kubeconfig: string, jobs: AssertionsOutput["jobs"]) => Promise<JobLogs> = readJobLogs): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: argv, options: { json: { type: "boolean" }, junit: { type: "string" } }, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`unexpected '${positionals[0]}': in this terminal verify checks your own lab and takes no <stack>`);
  const context = readOwnContext(io);
  const kubeconfig = readOwnKubeconfig(io);
  const { probes, skipped, jobs } = context.assertions;
  const report = verify({ stack: ownLabName(context), backend: BACKEND_FACTS[context.backend], probes, skipped, logs: await readLogs(kubeconfig, jobs) });
  // $CNILAB_STATE (the terminal sets it under $HOME); without it, $HOME/.cnilab (a root's .cnilab).
  return showVerify(report, io, io.env.HOME || io.cwd, { json: values.json === true, ...(typeof values.junit === "string" ? { junit: values.junit } : {}) });
}

export const terminalVerifyCommand: Command = {
  name: "verify",
  summary: "your lab's probes, expected against observed; mismatches explained",
  help: HELP,
  run: (argv, io) => runTerminalVerify(argv, io),
};
