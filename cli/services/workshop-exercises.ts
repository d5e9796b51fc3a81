/**
 * The exercises of a workshop's lab (labs/exercises/, `cnilab check`'s): graded on the policies each
 * participant's cluster holds for `workshop status`'s "exercises" column, and listed by title and task
 * in the handouts (never their solution).
 */
import { exerciseProgress } from "../../exercises/grade";
import { listExercises, loadExercise, type Exercise } from "../../labs/exercise";
import type { NetworkPolicyLike } from "../../policy";
import type { HandoutExercise } from "../../workshop/handout";
import type { ExerciseGrading } from "../../workshop/status";

export async function labExercises(lab: string): Promise<Exercise[]> {
  return (await Promise.all(listExercises().map((name) => loadExercise(name)))).filter((e) => e.lab === lab);
}

export function handoutExercises(exercises: readonly Exercise[]): HandoutExercise[] {
  return exercises.map((e) => ({ name: e.name, title: e.title, goal: e.task }));
}

/** Exercises done per participant, from the NetworkPolicies in their cluster; undefined when the lab has none. */
export function exerciseGrading(exercises: readonly Exercise[]): ExerciseGrading | undefined {
  if (exercises.length === 0) return undefined;
  return async (p) => {
    if (!p.kubeconfig) return undefined;
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    kc.loadFromString(p.kubeconfig);
    const list = await kc.makeApiClient(k8s.NetworkingV1Api).listNetworkPolicyForAllNamespaces();
    const graded = exerciseProgress(exercises, list.items as unknown as NetworkPolicyLike[]);
    return { done: graded.filter((g) => g.done).length, total: graded.length };
  };
}
