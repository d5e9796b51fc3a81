/**
 * `cnilab verify <stack>`: reads the assertion Jobs' logs back from the cluster, compares every probe
 * with its expected outcome, explains each mismatch, and saves the report for `cnilab compare`.
 * `up` ends with the same table (showVerify).
 */
import { exitCode } from "./exit";
import { BACKEND_FACTS } from "../backends";
import { STATE_DIR_HELP } from "../host/state";
import { toolCheck } from "../host/tool-check";
import { ensureTools } from "../host/tools";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { defaultDeps, labWorkspace, type LabCommandDeps } from "./deps";
import { showDockerVerify } from "./docker-report";
import { openLabStack } from "./pulumi";
import { reportPreflight } from "./services/checks";
import { showVerifyFromOutputs } from "./services/verify-report";
import { loadLabStack, resolveStack, workshopStackError } from "./stack-arg";

export const VERIFY_HELP = `Usage: cnilab verify <stack> [--json] [--junit FILE]

Reads the results of the lab's assertion Jobs (one per source identity: the health suite and the
clients of the policy scenarios) from the cluster, and prints expected against observed for every
probe: truth tables per scenario and port (. connected, X blocked, ? no result), then each mismatch
with the reason it was expected (the policy and rule, the backend's enforcement, its limitations)
and what the observation means. A result line that is missing or unreadable is an error, never a
pass. The report is saved in <state>/results/<stack>/verify.json (<state>: ${STATE_DIR_HELP}) for 'cnilab compare'.

For a Docker-only stack (docker-*) it prints the lab's \`results\` output instead: each probe of its
assertion containers, the outcome the driver's facts expect and why, and the one observed (the
table \`cnilab up\` ends with). It is not saved, and --junit does not apply. For docker-overlay it
first reads from Docker what it built: the VNI, the VXLAN device in the network's namespace (as root)
and a container's MTU, each beside the overlay facts.

It needs only the Pulumi CLI (found as for up; fetched first, as \`cnilab setup\` does, when it is
found nowhere), which reads the stack's outputs.

Options
  --json        print the report as JSON instead of tables
  --junit FILE  also write a JUnit XML file (one testsuite per scenario) for CI systems

Exit status: 0 everything as expected; 1 a mismatch or an error; 2 bad usage, invalid stack, the lab
is not up, or a missing prerequisite (the Pulumi CLI reads the stack's outputs).

Examples
  cnilab verify calico-ipip --junit results.xml
  cnilab verify docker-ipvlan-l2 --json
`;

export async function runVerify(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { json: { type: "boolean" }, junit: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(`expected one <stack>, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`);
  const ref = resolveStack(positionals[0], deps.root, io.cwd);
  const lab = await loadLabStack(ref);
  if (lab.kind === "workshop") throw workshopStackError(ref, lab.plan, "verify");
  const json = values.json === true;
  if (lab.kind === "docker" && values.junit !== undefined) {
    throw new UsageError(`--junit is for kind-cluster stacks; ${ref.name} is a Docker-only lab (its report: --json)`);
  }
  // Only the Pulumi CLI is needed: it reads the stack's outputs (kind is not touched; Docker only for
  // the overlay lab's evidence, cli/docker-overlay.ts, which says what it could not read).
  const { located, failed } = await ensureTools(deps.host, ["pulumi"], (line) => io.stderr(`cnilab verify: ${line}\n`));
  const pulumi = toolCheck(deps.host, located.pulumi!, failed.pulumi);
  if (!reportPreflight({ failures: pulumi.check.status === "fail" ? [pulumi.check] : [], warnings: [], checks: [pulumi.check] }, io, "verify")) return exitCode("missing-prerequisite");
  const opened = await openLabStack(labWorkspace(ref.name, deps, { pulumiPath: pulumi.path }), false);
  if (!opened) {
    io.stderr(`cnilab verify: lab ${ref.name} is not up (no stack in the state): run 'cnilab up ${ref.name}' first\n`);
    return exitCode("not-up");
  }
  const outputs = await opened.stack.outputs();
  const verified =
    lab.kind === "docker"
      ? await showDockerVerify(ref.name, lab.spec, outputs, io, json, deps.host)
      : await showVerifyFromOutputs(ref.name, BACKEND_FACTS[lab.spec.stack.backend], outputs, io, deps, { json, ...(typeof values.junit === "string" ? { junit: values.junit } : {}) });
  if (typeof verified === "string") {
    io.stderr(`cnilab verify: ${verified}\n`);
    return exitCode("not-up");
  }
  return verified;
}

export const verifyCommand: Command = {
  name: "verify",
  summary: "expected against observed for every probe of a lab that is up; mismatches explained",
  help: VERIFY_HELP,
  run: (argv, io) => runVerify(argv, io),
};
