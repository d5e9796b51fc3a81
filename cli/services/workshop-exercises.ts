/**
 * The exercises of a workshop's lab (labs/exercises/, `cnilab check`'s): graded on the policies each
 * participant's cluster holds for `workshop status`'s "exercises" column (workshop/exercises.ts
 * reads them and lists them in the handouts).
 */
import { exerciseProgress } from "../../exercises/grade";
import type { Exercise } from "../../labs/exercise";
import type { NetworkPolicyLike } from "../../policy";
import type { ExerciseGrading } from "../../workshop/status";
import { kubeApi } from "../../host/kube";

/** Exercises done per participant, from the NetworkPolicies in their cluster; undefined when the lab has none. */
export function exerciseGrading(exercises: readonly Exercise[]): ExerciseGrading | undefined {
  if (exercises.length === 0) return undefined;
  return async (p) => {
    if (!p.kubeconfig) return undefined;
    const { k8s, kc } = await kubeApi(p.kubeconfig);
    const list = await kc.makeApiClient(k8s.NetworkingV1Api).listNetworkPolicyForAllNamespaces();
    const graded = exerciseProgress(exercises, list.items as unknown as NetworkPolicyLike[]);
    return { done: graded.filter((g) => g.done).length, total: graded.length };
  };
}
