/**
 * `cnilab up <stack>`: validate the stack, check the prerequisites, then `pulumi up` through the
 * Automation API with progress, and print what came up. Re-running it is safe: Pulumi compares with
 * the recorded state and changes only what differs.
 */
import { parseCommandArgs } from "./args";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { kubernetesMinor } from "../labs/stack";
import { planLab, type LabPlan } from "../plan";
import { UsageError, type Command, type Io } from "./command";
import { DEFAULT_KUBERNETES_MINOR } from "./doctor";
import { preflightUp, reportPreflight } from "./doctor-preflight";
import { plannedResourceCount } from "./plan";
import { Progress } from "./progress";
import { backendUrl, createOrSelectLabStack, DEFAULT_PASSPHRASE, pulumiFailure, STATE_DIR } from "./pulumi";
import { defaultDeps, type LabCommandDeps } from "./deps";
import { loadStackSpecOrReport, resolveStack, type StackRef } from "./stack-arg";
import { showVerify, verifyFromOutputs } from "./verify";

export { defaultDeps, type LabCommandDeps } from "./deps";

/** The stack argument of up/down: Pulumi reads stack settings only from stacks/, so it must be there. */
export function parseLabArgs(command: string, argv: string[], io: Io, root: string, extra: Record<string, { type: "boolean" }> = {}) {
  const { values, positionals } = parseCommandArgs({ args: argv, options: extra, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`expected one <stack>, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`);
  const ref = resolveStack(positionals[0], root, io.cwd);
  if (!ref.inStacksDir) {
    throw new UsageError(`Pulumi reads stack settings only from stacks/Pulumi.<name>.yaml; copy ${ref.source} to stacks/Pulumi.${ref.name}.yaml and run 'cnilab ${command} ${ref.name}'`);
  }
  return { ref, flags: values as Record<string, boolean | undefined> };
}

export const UP_HELP = `Usage: cnilab up <stack>

Builds the lab of stacks/Pulumi.<stack>.yaml: its Docker network, the kind cluster, the CNI (ready on
every node), the workloads and the NetworkPolicies. Runs \`pulumi up\` through the Pulumi Automation
API; running it again changes only what differs.

Before anything is created the stack is validated (as \`cnilab plan\` does) and the prerequisites are
checked (as \`cnilab doctor --backend <its backend>\` does): Docker reachable, kind and the Pulumi CLI
present, the kernel features the backend needs. A missing one stops here with the cause and the fix.

State      ${STATE_DIR}/ in the project (a Pulumi file backend: no account, no login), unless
           PULUMI_BACKEND_URL is set.
Secrets    encrypted with the passphrase in PULUMI_CONFIG_PASSPHRASE (or the file in
           PULUMI_CONFIG_PASSPHRASE_FILE); default "${DEFAULT_PASSPHRASE}". Use the same one for up and down.
kind       $CNILAB_KIND, else kind on PATH, else /opt/kind/usr/bin/kind; passed on as CNILAB_KIND.
Progress   step, resources done/total and elapsed time: one updating line on a terminal, plain lines
           otherwise.

It ends with \`cnilab verify <stack>\`'s table: every probe of the assertion Jobs, expected against
observed.

Exit status: 0 the lab is up and behaves as expected; 1 \`pulumi up\` failed (what was created stays:
fix and re-run, or \`cnilab down <stack>\`), or a probe did not behave as expected; 2 bad usage,
invalid stack, or a missing prerequisite.

Example
  cnilab up flannel-vxlan
`;

export async function runUp(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { ref } = parseLabArgs("up", argv, io, deps.root);
  const spec = await loadStackSpecOrReport(ref, io, "up");
  if (typeof spec === "number") return spec;
  const plan = planLab(spec);

  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  progress.step("checking prerequisites");
  const pre = await preflightUp(deps.host, {
    backends: [spec.stack.backend],
    workers: spec.stack.workers,
    kubernetesMinor: kubernetesMinor(spec.stack.nodeImage) ?? DEFAULT_KUBERNETES_MINOR,
  });
  if (!reportPreflight(pre, io, "up")) {
    progress.finish();
    return 2;
  }
  const opts = { root: deps.root, stackName: ref.name, env: deps.host.env, pulumiPath: pre.pulumiPath!, kindPath: pre.kindPath };
  try {
    progress.step(`selecting stack ${ref.name} in ${backendUrl(deps.root, deps.host.env)}`);
    const stack = await createOrSelectLabStack(opts);
    progress.step(`creating lab ${ref.name}`, plannedResourceCount(plan));
    const result = await stack.up({ onEvent: progress.onEvent });
    progress.finish();
    finishUp({ ref, plan, outputs: result.outputs, elapsed: progress.elapsed() }, io);
    // The lab proves itself: the assertion Jobs ran during the update; show what they found.
    const report = await verifyFromOutputs(ref.name, plan.backend, result.outputs, deps.readLogs);
    if (typeof report === "string") {
      io.stdout(`\nverify: ${report}\n`);
      return 0;
    }
    io.stdout("\n");
    return showVerify(report, io, deps.root, {});
  } catch (err) {
    progress.finish();
    const lines = pulumiFailure(err, progress.errors);
    io.stderr(
      `cnilab up: ${ref.name} failed after ${progress.elapsed()}:\n${lines.map((l) => `  ${l}\n`).join("")}` +
        `What was created stays: fix the cause and run 'cnilab up ${ref.name}' again, or remove it all with 'cnilab down ${ref.name}'.\n`,
    );
    return 1;
  }
}

export interface UpResult {
  ref: StackRef;
  plan: LabPlan;
  outputs: OutputMap;
  elapsed: string;
}

/** The end of a successful `up`: the stack outputs and how to reach the cluster. */
export function finishUp(result: UpResult, io: Io): void {
  io.stdout(`\nLab ${result.ref.name} is up (${result.elapsed}).\n${renderOutputs(result.outputs)}`);
  const cluster = result.plan.kindConfig.name;
  io.stdout(
    `\nkubectl: kind added context kind-${cluster} to your kubeconfig: kubectl --context kind-${cluster} get pods -A\n` +
      `Remove it all: cnilab down ${result.ref.name}\n`,
  );
}

/** Stack outputs, one per line: secrets masked, tables for lists of records, long text summarised. */
export function renderOutputs(outputs: OutputMap): string {
  const keys = Object.keys(outputs).sort();
  const width = Math.max(0, ...keys.map((k) => k.length));
  const pad = " ".repeat(width + 4);
  const lines: string[] = [];
  for (const key of keys) {
    const { value, secret } = outputs[key]!;
    const rows = secret ? ["[secret]"] : formatValue(value);
    lines.push(`  ${key.padEnd(width)}  ${rows[0] ?? ""}`, ...rows.slice(1).map((r) => `${pad}${r}`));
  }
  return lines.join("\n") + "\n";
}

function formatValue(value: unknown): string[] {
  if (typeof value === "string") {
    const lines = value.trimEnd().split("\n");
    return lines.length > 1 ? [`(${lines.length} lines of text)`] : [value];
  }
  if (Array.isArray(value) && value.every((v) => v && typeof v === "object" && !Array.isArray(v))) {
    const records = value as Record<string, unknown>[];
    const cols = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const widths = cols.map((c) => Math.max(...records.map((r) => String(r[c] ?? "").length)));
    return records.map((r) => cols.map((c, i) => String(r[c] ?? "").padEnd(widths[i]!)).join("  ").trimEnd());
  }
  return [JSON.stringify(value)];
}

export const upCommand: Command = {
  name: "up",
  summary: "build a lab stack (kind cluster, CNI, workloads, policies) with progress",
  help: UP_HELP,
  run: (argv, io) => runUp(argv, io),
};
