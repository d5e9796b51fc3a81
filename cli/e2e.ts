/**
 * `cnilab e2e [stack…]`: the whole life of each lab on a real machine — doctor → up → verify → down —
 * through the very services those commands use, timing each phase and, when one fails, collecting
 * what a person needs before the lab is removed. Ends with a summary table (Markdown and JSON).
 */
import { exitCode } from "./exit";
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BACKEND_FACTS } from "../backends";
import { stateFolder } from "../host/state";
import type { Spec } from "../labs";
import { planLab } from "../plan";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { defaultDeps, type LabCommandDeps } from "./deps";
import { renderChecks, reportPreflight } from "./services/checks";
import { which } from "../host/host";
import { kindExecutable } from "../host/kind";
import type { Preflight } from "../host/preflight";
import { downLab } from "./services/teardown";
import { collectDiagnostics } from "./e2e-diagnostics";
import { E2E_PHASES, PHASE_MILESTONES, timed, UP_PHASES, UpPhaseClock, type PhaseResult } from "./e2e-phases";
import { renderSummaryJson, renderSummaryMarkdown, type E2eSummary, type StackRun } from "./e2e-summary";
import { Progress } from "./progress";
import { listStacks, loadLabStack, resolveStack, type StackRef } from "./stack-arg";
import { deployLab, upTarget } from "./services/deploy";
import { showVerifyFromOutputs } from "./services/verify-report";

export const E2E_HELP = `Usage: cnilab e2e [stack…] [--keep] [--out DIR]

Runs each kind-cluster stack for real, one after the other: doctor → up → verify → down. It times
every phase, and when one fails it collects what a person needs before the lab is removed. Meant for
a machine (or CI runner) with Docker, kind and the Pulumi CLI; it takes minutes per stack.

Phases (the summary has one column each):
${E2E_PHASES.map((p) => `  ${p.padEnd(11)}${PHASE_MILESTONES[p]}`).join("\n")}
cluster, cni, workloads and assertions are the parts of one \`pulumi up\`, timed from its engine
events: each lasts until the last resource of its component is done. When up fails, the phase of the
resource that failed fails and the later ones do not run; down still runs (unless --keep).

Written to DIR (default .cnilab/e2e, or $CNILAB_STATE/e2e):
  summary.md, summary.json          stack × phase: pass/fail and seconds (rewritten after each stack)
  <stack>/run.log                   everything the phases printed
  <stack>/verify.junit.xml          the verify report as JUnit
  after a failure, in <stack>/:     events.txt, pods.txt, nodes.txt; describe and logs of each pod
                                    that is not fine and each Job that did not complete (pods/, jobs/);
                                    nodes/<node>.ip-route.txt and .ip-link.txt (docker exec); kind-logs/
                                    (kind export logs); index.txt says which command wrote what.
kubectl on PATH is needed for events, describe and logs; without it they are left out, and index.txt
says so. <stack>/ is emptied when that stack starts.

Arguments
  stack…       stack names (stacks/Pulumi.<name>.yaml). Default: every kind-cluster stack.
               Docker-only stacks (docker-*) are not for e2e: npm test runs them on a real engine.
Options
  --keep       leave each lab up after verify (down is skipped; 'cnilab down <stack>' removes it)
  --out DIR    write the summary and the per-stack folders to DIR instead
  -h, --help   this text

Exit status: 0 every phase of every stack passed; 1 a phase failed; 2 bad usage or an invalid stack.

Examples
  cnilab e2e flannel-vxlan
  cnilab e2e calico-ipip calico-vxlan --out /tmp/e2e
`;

/** The state folder's e2e/ (.cnilab/e2e in the project by default); the e2e workflow uploads it. */
export function defaultOutDir(root: string, env: NodeJS.ProcessEnv, cwd: string = root): string {
  return stateFolder(env, cwd, "e2e", root);
}

interface E2eStack {
  ref: StackRef;
  spec: Spec;
}

export async function runE2e(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { keep: { type: "boolean", default: false }, out: { type: "string" } },
    allowPositionals: true,
  });
  const stacks = await loadStacks(positionals, io, deps);
  if (typeof stacks === "number") return stacks;
  const now = deps.now ?? Date.now;
  const out = values.out !== undefined ? resolve(io.cwd, values.out) : defaultOutDir(deps.root, io.env, io.cwd);
  mkdirSync(out, { recursive: true });
  const summary: E2eSummary = { ok: true, startedAt: new Date(now()).toISOString(), finishedAt: "", stacks: [] };
  for (const [i, stack] of stacks.entries()) {
    io.stdout(`\n== cnilab e2e ${i + 1}/${stacks.length}: ${stack.ref.name}\n`);
    const run = await runStack(stack, out, io, deps, values.keep === true);
    summary.stacks.push(run);
    summary.ok &&= run.ok;
    summary.finishedAt = new Date(now()).toISOString();
    writeFileSync(join(out, "summary.md"), renderSummaryMarkdown(summary));
    writeFileSync(join(out, "summary.json"), renderSummaryJson(summary));
  }
  io.stdout(`\n${renderSummaryMarkdown(summary)}\nWritten: ${join(out, "summary.md")}, ${join(out, "summary.json")}\n`);
  return exitCode(summary.ok ? "ok" : "failed");
}

/** Every stack named (or every cluster stack), validated before anything runs; exit 2 on a bad one. */
async function loadStacks(names: string[], io: Io, deps: LabCommandDeps): Promise<E2eStack[] | number> {
  const all = names.length === 0;
  const stacks: E2eStack[] = [];
  for (const name of all ? listStacks(deps.root) : [...new Set(names)]) {
    const ref = resolveStack(name, deps.root, io.cwd);
    if (!ref.inStacksDir) throw new UsageError(`e2e runs stacks from stacks/ by name; '${name}' is a file outside it`);
    const lab = await loadLabStack(ref);
    if (lab.kind === "cluster") stacks.push({ ref, spec: lab.spec });
    else if (!all) throw new UsageError(`${ref.name} is a Docker-only stack; e2e runs the kind-cluster stacks`);
  }
  return stacks;
}

async function runStack({ ref, spec }: E2eStack, out: string, io: Io, deps: LabCommandDeps, keep: boolean): Promise<StackRun> {
  const dir = join(out, ref.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, "run.log");
  const tee = (write: (t: string) => void) => (text: string) => {
    write(text);
    appendFileSync(logFile, text);
  };
  const sio: Io = { ...io, stdout: tee(io.stdout), stderr: tee(io.stderr) };
  const say = (text: string) => sio.stdout(`[e2e ${ref.name}] ${text}\n`);
  const now = deps.now ?? Date.now;
  const lab = { kind: "cluster", spec } as const;
  const target = upTarget(ref, lab, sio, deps);
  const phases: PhaseResult[] = [];
  const record = (...results: PhaseResult[]) => {
    for (const r of results) {
      phases.push(r);
      if (r.status !== "not-run") say(`${r.phase}: ${r.status}${r.seconds !== undefined ? ` (${r.seconds.toFixed(1)} s)` : ""}${r.note ? ` — ${r.note}` : ""}`);
    }
  };
  const finish = (diagnostics: string[] = []): StackRun => {
    for (const phase of E2E_PHASES) if (!phases.some((p) => p.phase === phase)) phases.push({ phase, status: "not-run" });
    phases.sort((a, b) => E2E_PHASES.indexOf(a.phase) - E2E_PHASES.indexOf(b.phase));
    return { stack: ref.name, ok: phases.every((p) => p.status === "pass" || p.status === "skipped"), phases, dir: ref.name, diagnostics };
  };

  say(`doctor: the prerequisites of backend ${spec.stack.backend}`);
  let pre: Preflight = { failures: [], warnings: [], checks: [] };
  record(
    await timed(now, "doctor", async () => {
      pre = await target.preflight(deps.host, say);
      sio.stdout(renderChecks(pre.checks));
      return { ok: reportPreflight(pre, sio, "e2e"), note: pre.failures.map((f) => f.message).join("; ") || undefined };
    }),
  );
  if (pre.failures.length > 0) return finish();

  say(`up: ${UP_PHASES.join(" → ")}`);
  const progress = new Progress({ write: sio.stdout, tty: false, now });
  const clock = new UpPhaseClock(now);
  const deployed = await deployLab(ref, target, pre, progress, sio, deps, clock.onEvent);
  const outputs = typeof deployed === "number" ? undefined : deployed;
  record(...clock.results(outputs !== undefined, outputs ? undefined : firstLine(progress.errors) ?? "pulumi up failed (run.log has its output)"));

  if (outputs) {
    say("verify: expected against observed");
    const backend = BACKEND_FACTS[spec.stack.backend];
    record(
      await timed(now, "verify", async () => {
        const code = await showVerifyFromOutputs(ref.name, backend, outputs, sio, deps, { junit: join(dir, "verify.junit.xml") });
        if (typeof code === "string") return { ok: false, note: code };
        return { ok: code === 0, note: code === 0 ? undefined : "probes not as expected (run.log has the table)" };
      }),
    );
  }

  let diagnostics: string[] = [];
  if (phases.some((p) => p.status === "fail")) {
    const cluster = planLab(spec).kindConfig.name;
    say(`collecting diagnostics of kind cluster ${cluster} in ${dir}`);
    const tools = { kind: pre.kindPath ?? kindExecutable(deps.host.env), docker: which(deps.host, "docker") ?? "docker", kubectl: which(deps.host, "kubectl") };
    diagnostics = await collectDiagnostics(deps.host, tools, cluster, dir);
    say(`collected ${diagnostics.length} files (index.txt lists them)`);
  }

  if (keep) {
    record({ phase: "down", status: "skipped", note: `--keep: the lab stays up; 'cnilab down ${ref.name}' removes it` });
  } else {
    say("down: removing the lab");
    // Plain progress lines, as for up: the log file gets no terminal redraws.
    record(await timed(now, "down", async () => ({ ok: (await downLab(ref, lab, sio, { ...deps, tty: false }, { force: false })) === 0 })));
  }
  return finish(diagnostics);
}

const firstLine = (lines: readonly string[]) => lines[0]?.trim().split("\n")[0];

export const e2eCommand: Command = {
  name: "e2e",
  summary: "doctor → up → verify → down per stack, timed, diagnostics on failure, a summary table",
  help: E2E_HELP,
  run: (argv, io) => runE2e(argv, io),
};
