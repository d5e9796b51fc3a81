/**
 * Grading an exercise: the participant's NetworkPolicies on the exercise's pods, every goal cell
 * predicted by the engine (API semantics, as a dataplane that enforces all of NetworkPolicy) and
 * compared with the goal, each cell with the engine's reason. Pure: what `cnilab check` and
 * `workshop status` call.
 */
import { policyUniverse } from "../assertions/policy-probes";
import type { ExerciseTask } from "../labs/exercise";
import type { Goal } from "../labs/exercise-schema";
import { describeVerdict, evaluatePolicies, formatQuery, PolicyInputError, type NetworkPolicyLike, type PodInput, type PolicyMatrix, type PortQuery, type Protocol, type Verdict } from "../policy";

export interface GradedCell {
  /** "namespace/name" of the source and the target pod. */
  from: string;
  to: string;
  /** As the goal writes it: a number or a container port name. */
  port: number | string;
  protocol: Protocol;
  goal: Goal;
  /** The engine's verdict on the participant's policies. */
  predicted: Verdict;
  met: boolean;
  /** Which policy and rule decide the cell ("denied: default/nginx is selected by ingress policy …"). */
  reason: string;
}

export interface Grade {
  exercise: string;
  cells: GradedCell[];
  met: number;
  total: number;
  /** Every cell meets its goal. */
  done: boolean;
}

/** The pods and namespaces an exercise's policies are judged on: one pod per workload and client, and the cluster pods its goal names. */
export function exercisePods(ex: ExerciseTask): { namespaces: ExerciseTask["setting"]["namespaces"]; pods: PodInput[] } {
  const { pods } = policyUniverse(ex.setting);
  const cluster = ex.clusterPods.map((p): PodInput => ({ namespace: p.namespace, name: p.name, labels: p.labels, ports: p.ports }));
  return { namespaces: ex.setting.namespaces, pods: [...pods, ...cluster] };
}

/** "namespace/name" of a goal cell's source and target. */
export function cellPods(ex: ExerciseTask, cell: { from: string; to: string }): { from: string; to: string } {
  const client = ex.setting.clients.find((c) => c.name === cell.from)!;
  const target = ex.setting.workloads.find((w) => w.name === cell.to) ?? ex.clusterPods.find((p) => p.name === cell.to)!;
  return { from: `${client.namespace}/${client.name}`, to: `${target.namespace}/${target.name}` };
}

/**
 * The engine's matrix of the exercise's pods under `policies` (the policies in effect: a cluster's,
 * or the starting ones with the participant's applied over them) for the goal's ports. Throws
 * PolicyInputError for a policy the API server would refuse.
 */
export function predict(ex: ExerciseTask, policies: readonly NetworkPolicyLike[]): { matrix: PolicyMatrix; queryOf: (cell: { port: number | string; protocol: Protocol }) => number } {
  const queries: PortQuery[] = [];
  const index = new Map<string, number>();
  for (const c of ex.goal) {
    const key = formatQuery(c);
    if (!index.has(key)) index.set(key, queries.push({ port: c.port, protocol: c.protocol }) - 1);
  }
  const { namespaces, pods } = exercisePods(ex);
  const matrix = evaluatePolicies({ namespaces, pods, policies }, queries);
  return { matrix, queryOf: (cell) => index.get(formatQuery(cell))! };
}

/** Every goal cell: the goal, the engine's prediction under `policies`, whether they agree, and why. */
export function gradeExercise(ex: ExerciseTask, policies: readonly NetworkPolicyLike[]): Grade {
  const { matrix, queryOf } = predict(ex, policies);
  const cells = ex.goal.map((cell): GradedCell => {
    const { from, to } = cellPods(ex, cell);
    const [s, d, q] = [matrix.podIndex(from), matrix.podIndex(to), queryOf(cell)];
    const predicted = matrix.verdict(s, d, q);
    return { from, to, port: cell.port, protocol: cell.protocol, goal: cell.expect, predicted, met: predicted === cell.expect, reason: describeVerdict(matrix.explain(s, d, q)) };
  });
  const met = cells.filter((c) => c.met).length;
  return { exercise: ex.name, cells, met, total: cells.length, done: met === cells.length };
}

/**
 * The policies in effect after `kubectl apply` of the participant's over the starting ones: a policy
 * of the same namespace and name replaces the starting one, the others add up.
 */
export function applyOver(start: readonly NetworkPolicyLike[], mine: readonly NetworkPolicyLike[]): NetworkPolicyLike[] {
  const id = (p: NetworkPolicyLike) => `${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? ""}`;
  const replaced = new Set(mine.map(id));
  return [...start.filter((p) => !replaced.has(id(p))), ...mine];
}

/** The hint to show after `shown` hints: the next in order, the last one again once all were shown. */
export function nextHint(ex: ExerciseTask, shown: number): { number: number; of: number; text: string } {
  const i = Math.min(Math.max(shown, 0), ex.hints.length - 1);
  return { number: i + 1, of: ex.hints.length, text: ex.hints[i]! };
}

export interface ExerciseProgress {
  exercise: string;
  done: boolean;
  met: number;
  total: number;
}

/**
 * For `workshop status`: each exercise graded on the policies a participant's cluster holds (read
 * from its API server). An exercise whose pods the policies cannot be judged on says so in `problem`.
 */
export function exerciseProgress(exercises: readonly ExerciseTask[], clusterPolicies: readonly NetworkPolicyLike[]): (ExerciseProgress & { problem?: string })[] {
  return exercises.map((ex) => {
    try {
      const { done, met, total } = gradeExercise(ex, clusterPolicies);
      return { exercise: ex.name, done, met, total };
    } catch (err) {
      if (!(err instanceof PolicyInputError)) throw err;
      return { exercise: ex.name, done: false, met: 0, total: ex.goal.length, problem: (err as Error).message.replace(/\s*\n\s*/g, " ") };
    }
  });
}
