import { SpecError } from "./errors";
import { isolateScenarios } from "./isolate";
import { didYouMean } from "./errors";
import { listExercises, loadExercise } from "./exercise";
import { loadLab, LABS_DIR } from "./lab";
import * as path from "node:path";
import type { Lab } from "./schema";
import { parseStack, readStackFile, type Stack } from "./stack";

export { SpecError, formatProblem, type SpecProblem } from "./errors";
export { loadLab, parseLab, LABS_DIR } from "./lab";
export { parseStack, readStackFile, type Stack } from "./stack";
export type * from "./schema";
export { workloadPorts } from "./schema";

/** A validated lab spec: the stack's settings and the lab's content, with the chosen scenarios. */
export interface Spec {
  stack: Stack;
  lab: Lab;
}

/** Stack settings (raw `cnilab:` config) + the lab file they name → one validated spec. */
export async function loadSpec(rawStack: Record<string, unknown>, source: string, labsDir = LABS_DIR): Promise<Spec> {
  const stack = parseStack(rawStack, source);
  if (stack.exercise !== undefined) return { stack, lab: await exerciseSetting(stack, source, labsDir) };
  const lab = await loadLab(stack.lab, labsDir);
  if (stack.scenarios) {
    const known = lab.scenarios.map((s) => s.name);
    const unknown = stack.scenarios.filter((s) => !known.includes(s));
    if (unknown.length > 0) {
      throw new SpecError(
        unknown.map((name) => ({ source, path: "cnilab:scenarios", message: `lab '${lab.name}' has no scenario '${name}'; scenarios: ${known.join(", ")}` })),
      );
    }
    lab.scenarios = lab.scenarios.filter((s) => stack.scenarios!.includes(s.name));
  }
  return { stack, lab: isolateScenarios(lab) };
}

/** `cnilab:exercise`: the exercise's starting state, on the lab the stack names (and the exercise does). */
async function exerciseSetting(stack: Stack, source: string, labsDir: string): Promise<Lab> {
  const name = stack.exercise!;
  const dir = path.join(labsDir, "exercises");
  const known = listExercises(dir);
  const at = (p: string, message: string) => new SpecError([{ source, path: p, message }]);
  if (!known.includes(name)) throw at("cnilab:exercise", `no exercise '${name}'${didYouMean(name, known)}; exercises: ${known.join(", ") || "(none)"}`);
  if (stack.scenarios) throw at("cnilab:scenarios", `an exercise stack (cnilab:exercise ${name}) runs the exercise's starting state, not scenarios: leave cnilab:scenarios out`);
  const ex = await loadExercise(name, dir, labsDir);
  if (ex.lab !== stack.lab) throw at("cnilab:lab", `exercise ${name} runs on lab '${ex.lab}', not '${stack.lab}'`);
  return ex.setting;
}

/** Loads stacks/Pulumi.<name>.yaml and its lab: what `cnilab plan <stack>` and the tests use. */
export async function loadStackSpec(stackFile: string, labsDir = LABS_DIR): Promise<Spec> {
  return loadSpec(readStackFile(stackFile), stackFile, labsDir);
}
