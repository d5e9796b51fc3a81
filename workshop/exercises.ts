/**
 * The exercises of a workshop's lab (labs/exercises/, `cnilab check`'s) and how a handout lists them
 * (title and task, never the solution): read by `workshop up` for the saved handouts and by the
 * program for the copy in each participant's terminal, so both say the same.
 */
import { listExercises, loadExercise, type Exercise } from "../labs/exercise";
import type { HandoutExercise } from "./handout";

export async function labExercises(lab: string): Promise<Exercise[]> {
  return (await Promise.all(listExercises().map((name) => loadExercise(name)))).filter((e) => e.lab === lab);
}

export function handoutExercises(exercises: readonly Exercise[]): HandoutExercise[] {
  return exercises.map((e) => ({ name: e.name, title: e.title, goal: e.task }));
}
