/**
 * `cnilab check <exercise>`: the exercise's handout; with -f, the participant's policies graded by
 * the engine cell by cell; with --stack, the policies in the cluster graded, then probed for real.
 */
import { applyOver, gradeExercise, type Grade } from "../exercises/grade";
import { hintCounter, LOCAL_PARTICIPANT } from "../exercises/hints-shown";
import { renderGrade, renderHandout, type Hint } from "../exercises/render";
import { listExercises, loadExercise } from "../labs/exercise";
import { stateFolder } from "../host/state";
import { didYouMean } from "../labs/errors";
import { parseCommandArgs } from "./args";
import { runLiveCheck, type LiveDeps } from "./check-live";
import { UsageError, type Command, type Io } from "./command";
import { exitCode, matched } from "./exit";
import { loadPolicyInput } from "./policy-input";

const OUTPUTS = ["text", "json"] as const;

const HELP = `Usage: cnilab check <exercise> [-f FILE…] [--stack STACK [--participant P] [--kubeconfig FILE]] [-o text|json]
       cnilab check --list

Exercises are tasks on a lab's workloads (labs/exercises/<exercise>.yaml): write the NetworkPolicies
that make a goal truth table come true. Without -f or --stack, prints the exercise's handout: the
task, the pods with their namespaces, labels and ports, the starting policies and the goal.

Offline (-f): the policies in the files (YAML or JSON, as for 'cnilab policy matrix'; other kinds
are ignored with a note), applied over the exercise's starting policies as kubectl apply would (one
of the same namespace and name replaces it), are judged by the NetworkPolicy engine on the
exercise's pods: every goal cell with its goal and the engine's prediction; every cell that misses
with the engine's reason (which policy and rule allows or denies it); then the next hint. Each check
that misses shows the next hint, in order (kept in <state>/exercises/<participant>/).

Live (--stack): reads the NetworkPolicies of the exercise's namespaces from the cluster
(@kubernetes/client-node; the kubeconfig from kind for the stack's cluster, --kubeconfig, or a workshop
participant's), grades them as above, then probes every cell to a lab workload for real: one Job per
source with the source's labels in its namespace, each pod of the target by IP, as 'up' runs its
assertion Jobs. Shows goal, prediction and observation side by side; where the observation differs
from the prediction it says whether the stack's backend does not enforce that part of NetworkPolicy
(flannel enforces none) or the cluster disagrees. The exercise's pods must run in the cluster, in the
namespaces the lab names. Cells to the cluster's own pods (kube-dns) are judged by the engine alone.

Options
  -f, --file FILE         a file of your NetworkPolicies; repeatable
      --stack STACK       the stack whose cluster runs the exercise (its backend and image map)
      --participant P     with a workshop stack (cnilab:workshop: W): participant P's cluster as 'workshop up'
                          saved it, <state>/workshops/<W>/<P>/kubeconfig, on the backend its participant.json names
      --kubeconfig FILE   the cluster's kubeconfig instead of kind's
  -o, --output text|json  json: {"exercise","done","met","total","cells":[{"from","to","port","protocol",
                          "goal","predicted","met","reason"}…],"hint"}; live adds per cell "observed",
                          "agreement" and "note", and "probes" (the rows of 'cnilab verify --json')
      --list              the exercises, one per line with its title

The reference solution of an exercise is never shown, by any of these.

Exit status: 0 every goal cell met (live: and every probe as the backend is expected to behave);
1 a cell missed or a probe disagreed; 2 bad usage, an unknown exercise, a policy that does not
validate (the message names the file, the object and the field), or a cluster that cannot be reached.

Examples
  cnilab check deny-nginx
  cnilab check deny-nginx -f mine.yaml

  exercise deny-nginx: 1 of 2 goal cells met
    from           to             port    goal    predicted
    default/demo   default/nginx  80/TCP  denied  allowed    MISS
    default/other  default/nginx  80/TCP  denied  denied     ok

  cnilab check access-namespace --stack kindnet -o json | jq '.cells[] | select(.met | not)'
  cnilab check egress-dns-only --stack workshop-demo --participant alice
`;

export const checkCommand: Command = {
  name: "check",
  summary: "grade NetworkPolicies against an exercise's goal: engine prediction per cell, then probes on a live cluster",
  help: HELP,
  run: (argv, io) => runCheck(argv, io),
};

export async function runCheck(argv: string[], io: Io, deps?: LiveDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      file: { type: "string", short: "f", multiple: true },
      stack: { type: "string" },
      participant: { type: "string" },
      kubeconfig: { type: "string" },
      output: { type: "string", short: "o", default: "text" },
      list: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.list) {
    const names = listExercises();
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) io.stdout(`${name.padEnd(width)}  ${(await loadExercise(name)).title}\n`);
    return exitCode("ok");
  }
  const output = values.output as (typeof OUTPUTS)[number];
  if (!OUTPUTS.includes(output)) throw new UsageError(`--output '${values.output}' is not one of ${OUTPUTS.join(", ")}${didYouMean(values.output!, OUTPUTS)}`);
  if (positionals.length !== 1) throw new UsageError(`expected one <exercise>, got ${positionals.length === 0 ? "none" : positionals.join(" ")}; exercises: ${listExercises().join(", ")}`);
  const files = values.file ?? [];
  if (files.length > 0 && values.stack !== undefined) throw new UsageError("give -f FILE (offline) or --stack STACK (live), not both");
  if (values.stack === undefined && (values.participant !== undefined || values.kubeconfig !== undefined)) {
    throw new UsageError(`${values.participant !== undefined ? "--participant" : "--kubeconfig"} is for a live check: add --stack STACK`);
  }
  const ex = await loadExercise(positionals[0]!);
  const participant = values.participant ?? LOCAL_PARTICIPANT;
  const hints = hintCounter(stateFolder(io.env, io.cwd, "exercises"), participant, ex);
  if (values.stack !== undefined) {
    return runLiveCheck(ex, { stack: values.stack, participant: values.participant, kubeconfig: values.kubeconfig, json: output === "json" }, io, hints, deps);
  }
  if (files.length === 0) {
    if (output === "json") throw new UsageError("--output json is for a check (-f or --stack); the handout is Markdown");
    io.stdout(renderHandout(ex));
    return exitCode("ok");
  }
  const loaded = await loadPolicyInput(files, io);
  for (const note of loaded.notes) io.stderr(`cnilab check: note: ${note}\n`);
  if (loaded.pods.length > 0 || loaded.namespaces.length > 0) {
    io.stderr(`cnilab check: note: the files' Pods and Namespaces are left out: an exercise is judged on its own pods (cnilab check ${ex.name} lists them)\n`);
  }
  if (loaded.problems.length > 0) {
    io.stderr(`cnilab check: ${loaded.problems.length === 1 ? loaded.problems[0] : `invalid input:\n  ${loaded.problems.join("\n  ")}`}\n`);
    return exitCode("invalid-input");
  }
  const grade = gradeExercise(ex, applyOver(ex.start, loaded.policies));
  const hint = grade.done ? undefined : hints.next();
  io.stdout(output === "json" ? `${JSON.stringify(gradeJson(grade, hint), null, 1)}\n` : renderGrade(grade, hint));
  return matched(grade.done);
}

/** The grade as `--output json` gives it. */
function gradeJson(grade: Grade, hint: Hint | undefined): Record<string, unknown> {
  return { exercise: grade.exercise, done: grade.done, met: grade.met, total: grade.total, cells: grade.cells, ...(hint ? { hint } : {}) };
}
