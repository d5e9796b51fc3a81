/**
 * What `cnilab check` does once its command line is read, for the main CLI and the terminal's alike:
 * the list of exercises, an exercise's handout, or a grade (offline from files, or live through the
 * caller's own way to a cluster), with the next hint after a miss. The two differ only in where the
 * exercises are (an ExerciseShelf), whose hints they count, and how a live check finds its cluster.
 */
import { applyOver, gradeExercise, type Grade } from "../../exercises/grade";
import { hintCounter, type HintCounter } from "../../exercises/hints-shown";
import { renderGrade, renderHandout, type Hint } from "../../exercises/render";
import { stateFolder } from "../../host/state";
import { didYouMean } from "../../labs/errors";
import { listExercises, loadExerciseTask, type ExerciseShelf, type ExerciseTask } from "../../labs/exercise";
import { UsageError, type Io } from "../command";
import { exitCode, matched } from "../exit";
import { loadPolicyInput } from "../policy-input";

export const CHECK_OUTPUTS = ["text", "json"] as const;

export interface ExerciseCheck {
  shelf: ExerciseShelf;
  /** Whose hints are counted (<state>/exercises/<participant>/). */
  participant: string;
  list: boolean;
  /** The command line's positionals: one exercise. */
  exercise: readonly string[];
  files: readonly string[];
  output: string;
  /** The live check, when the command line asked for one. */
  live?: (ex: ExerciseTask, hints: HintCounter, json: boolean) => Promise<number>;
}

export async function runExerciseCheck(c: ExerciseCheck, io: Io): Promise<number> {
  const names = listExercises(c.shelf.dir);
  if (c.list) {
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) io.stdout(`${name.padEnd(width)}  ${(await loadExerciseTask(name, c.shelf)).title}\n`);
    return exitCode("ok");
  }
  const output = c.output as (typeof CHECK_OUTPUTS)[number];
  if (!CHECK_OUTPUTS.includes(output)) throw new UsageError(`--output '${c.output}' is not one of ${CHECK_OUTPUTS.join(", ")}${didYouMean(c.output, CHECK_OUTPUTS)}`);
  if (c.exercise.length !== 1) throw new UsageError(`expected one <exercise>, got ${c.exercise.length === 0 ? "none" : c.exercise.join(" ")}; exercises: ${names.join(", ")}`);
  const ex = await loadExerciseTask(c.exercise[0]!, c.shelf);
  const hints = hintCounter(stateFolder(io.env, io.cwd, "exercises"), c.participant, ex);
  if (c.live) return c.live(ex, hints, output === "json");
  if (c.files.length === 0) {
    if (output === "json") throw new UsageError("--output json is for a check (-f or a live one); the handout is Markdown");
    io.stdout(renderHandout(ex));
    return exitCode("ok");
  }
  return gradeFiles(ex, c.files, output === "json", io, hints);
}

/** The files' policies applied over the exercise's start and graded by the engine, cell by cell. */
async function gradeFiles(ex: ExerciseTask, files: readonly string[], json: boolean, io: Io, hints: HintCounter): Promise<number> {
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
  io.stdout(json ? `${JSON.stringify(gradeJson(grade, hint), null, 1)}\n` : renderGrade(grade, hint));
  return matched(grade.done);
}

/** The grade as `--output json` gives it. */
function gradeJson(grade: Grade, hint: Hint | undefined): Record<string, unknown> {
  return { exercise: grade.exercise, done: grade.done, met: grade.met, total: grade.total, cells: grade.cells, ...(hint ? { hint } : {}) };
}
