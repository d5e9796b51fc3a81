/**
 * Exercises: labs/exercises/<name>.yaml, a task on a lab's workloads with a goal truth table, hints
 * and a reference solution. Loading validates the file and every name it uses against its lab, and
 * gives the starting state as a lab of one scenario (what a cluster runs for the exercise). The
 * repository's files must carry their solution; the copy in a participant's terminal must not
 * (terminal/image.ts removes it: a participant can read every file there), and is read as an
 * ExerciseTask, which has no solution to show.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { CLUSTER_PODS, type ClusterPod } from "./cluster-pods";
import { didYouMean, fileProblem, SpecError, type SpecProblem } from "./errors";
import { exerciseSchema, type GoalCell } from "./exercise-schema";
import { LABS_DIR, listLabs, loadLab, networkPolicyProblems, parseLabYaml } from "./lab";
import { workloadPorts, type Client, type Lab, type NetworkPolicyObject } from "./schema";
import type { z } from "zod";
import { objectKeysAt, zodProblems } from "./zod-problems";

export const EXERCISES_DIR = path.join(LABS_DIR, "exercises");

/** An exercise without its reference solution: all that grading, hints, handouts and live checks read. */
export type ExerciseTask = Omit<Exercise, "solution">;

/** Where exercises are read from, and whether their files carry the reference solution. */
export interface ExerciseShelf {
  dir: string;
  labsDir: string;
  /**
   * "required": the repository's files, where the solution proves the exercise solvable (a file
   * without one is an error); "withheld": the terminal's copy, which must not carry one (a file with
   * one is an error, so a solution cannot slip into a participant's container unnoticed).
   */
  solution: "required" | "withheld";
}

/** The repository's exercises, solutions required. */
export const REPO_EXERCISES: ExerciseShelf = { dir: EXERCISES_DIR, labsDir: LABS_DIR, solution: "required" };

export interface Exercise extends Omit<z.output<typeof exerciseSchema>, "start" | "solution"> {
  /** The file, as messages name it. */
  source: string;
  start: NetworkPolicyObject[];
  solution: NetworkPolicyObject[];
  /**
   * The starting state as a lab of one scenario named after the exercise: the lab's namespaces, the
   * workloads and clients the goal names (the exercise's own clients included), the starting
   * policies, and the goal's cells to lab workloads as its traffic. Namespaces stay as the lab writes them.
   */
  setting: Lab;
  /** The cluster's own pods the goal names (labs/cluster-pods.ts). */
  clusterPods: ClusterPod[];
}

/** The exercise names the folder holds: <name> of every <name>.yaml. */
export function listExercises(dir = EXERCISES_DIR): string[] {
  try {
    return readdirSync(dir).flatMap((f) => (/^[a-z0-9-]+\.yaml$/.test(f) ? [f.slice(0, -".yaml".length)] : [])).sort();
  } catch {
    return [];
  }
}

/** Loads and validates labs/exercises/<name>.yaml; an unknown name is answered with the closest and the list. */
export async function loadExercise(name: string, dir = EXERCISES_DIR, labsDir = LABS_DIR): Promise<Exercise> {
  const { text, source } = readExerciseFile(name, dir);
  return parseExercise(text, source, name, labsDir);
}

/** An exercise of a shelf, as a task: the solution, where the shelf has one, is validated and left out. */
export async function loadExerciseTask(name: string, shelf: ExerciseShelf): Promise<ExerciseTask> {
  const { text, source } = readExerciseFile(name, shelf.dir);
  const { solution: _, ...task } = await parseAny(text, source, name, shelf.labsDir, shelf.solution);
  return task;
}

function readExerciseFile(name: string, dir: string): { text: string; source: string } {
  const file = path.join(dir, `${name}.yaml`);
  const source = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const known = listExercises(dir);
    const message =
      (err as { code?: unknown }).code === "ENOENT"
        ? `no exercise '${name}'${didYouMean(name, known)}; exercises: ${known.join(", ") || "(none)"}`
        : `exercise '${name}' names this file, but it ${fileProblem(err)}`;
    throw new SpecError([{ source, path: "", message }]);
  }
  return { text, source };
}

export async function parseExercise(text: string, source: string, fileName: string, labsDir = LABS_DIR): Promise<Exercise> {
  // The schema of this mode requires the solution (at least one policy).
  return (await parseAny(text, source, fileName, labsDir, "required")) as Exercise;
}

/** The file without a solution key, for a shelf that withholds it (strict: a solution there is an unknown key). */
const withheldSchema = exerciseSchema.omit({ solution: true });

async function parseAny(text: string, source: string, fileName: string, labsDir: string, rule: ExerciseShelf["solution"]): Promise<ExerciseTask & { solution?: NetworkPolicyObject[] }> {
  const schema = rule === "required" ? exerciseSchema : withheldSchema;
  const value = parseLabYaml(text, source);
  if (value === null || value === undefined) {
    throw new SpecError([{ source, path: "", message: `the file is empty; an exercise is a map with ${objectKeysAt(schema, []).join(", ")}` }]);
  }
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new SpecError(zodProblems(schema, parsed.error.issues, source));
  const input: z.output<typeof withheldSchema> & { solution?: unknown[] } = parsed.data;
  const problems: SpecProblem[] = [];
  const at = (p: string, message: string) => problems.push({ source, path: p, message });
  if (input.name !== fileName) at("name", `'${input.name}' differs from the file's name '${fileName}'; \`cnilab check ${fileName}\` finds the exercise by its file`);
  const labs = listLabs(labsDir);
  if (!labs.includes(input.lab)) {
    at("lab", `no lab '${input.lab}'${didYouMean(input.lab, labs)}; labs: ${labs.join(", ")}`);
    throw new SpecError(problems);
  }
  const lab = await loadLab(input.lab, labsDir);
  const start = input.start as unknown as NetworkPolicyObject[];
  const solution = input.solution as unknown as NetworkPolicyObject[] | undefined;
  const namespaces = ["default", ...lab.namespaces.map((n) => n.name)];
  checkClients(input.clients, lab, namespaces, at);
  checkGoal(input.goal, lab, input.clients, at);
  for (const [field, list] of [["start", start], ["solution", solution ?? []]] as const) {
    const ids = new Set<string>();
    for (const [j, policy] of list.entries()) {
      const where = `${field}[${j}]`;
      problems.push(...(await networkPolicyProblems(policy, source, where)));
      const ns = policy.metadata?.namespace ?? "default";
      if (!namespaces.includes(ns)) at(`${where}.metadata.namespace`, `namespace '${ns}' is not one of lab ${lab.name}'s${didYouMean(ns, namespaces)}; namespaces: ${namespaces.join(", ")}`);
      const id = `${ns}/${policy.metadata?.name}`;
      if (ids.has(id)) at(where, `two NetworkPolicies ${id}`);
      ids.add(id);
    }
  }
  if (problems.length > 0) throw new SpecError(problems);
  const clusterPods = [...new Set(input.goal.map((c) => c.to))].flatMap((to) => (CLUSTER_PODS[to] ? [CLUSTER_PODS[to]] : []));
  const { solution: _, ...task } = input;
  return { ...task, source, start, ...(solution ? { solution } : {}), setting: exerciseLab(input.name, input.title, lab, input.clients, start, input.goal), clusterPods };
}

function checkClients(own: readonly Client[], lab: Lab, namespaces: readonly string[], at: (p: string, m: string) => void): void {
  const labClients = lab.clients.map((c) => c.name);
  own.forEach((c, i) => {
    if (labClients.includes(c.name)) at(`clients[${i}].name`, `lab ${lab.name} has a client '${c.name}' already; give the exercise's own client another name`);
    if (!namespaces.includes(c.namespace)) at(`clients[${i}].namespace`, `namespace '${c.namespace}' is not one of lab ${lab.name}'s${didYouMean(c.namespace, namespaces)}; namespaces: ${namespaces.join(", ")}`);
  });
}

function checkGoal(goal: readonly GoalCell[], lab: Lab, own: readonly Client[], at: (p: string, m: string) => void): void {
  const sources = [...lab.clients, ...own].map((c) => c.name);
  const targets = [...lab.workloads.map((w) => w.name), ...Object.keys(CLUSTER_PODS)];
  const seen = new Set<string>();
  goal.forEach((cell, i) => {
    const where = `goal[${i}]`;
    if (!sources.includes(cell.from)) at(`${where}.from`, `no client '${cell.from}'${didYouMean(cell.from, sources)}; clients: ${sources.join(", ")}`);
    const ports = targetPorts(lab, cell.to);
    if (!ports) at(`${where}.to`, `no workload or cluster pod '${cell.to}'${didYouMean(cell.to, targets)}; targets: ${targets.join(", ")}`);
    else if (!ports.some((p) => p.protocol === cell.protocol && (p.name === cell.port || p.containerPort === cell.port))) {
      const declared = ports.map((p) => `${p.name ? `${p.name} = ` : ""}${p.containerPort}/${p.protocol}`).join(", ");
      at(`${where}.port`, `'${cell.to}' declares no ${cell.protocol} port ${cell.port}; its ports: ${declared}`);
    }
    const key = `${cell.from}|${cell.to}|${cell.port}|${cell.protocol}`;
    if (seen.has(key)) at(where, `a second cell ${cell.from} → ${cell.to} ${cell.port}/${cell.protocol}`);
    seen.add(key);
  });
}

function targetPorts(lab: Lab, to: string) {
  const w = lab.workloads.find((x) => x.name === to);
  return w ? workloadPorts(w) : CLUSTER_PODS[to]?.ports;
}

function exerciseLab(name: string, title: string, lab: Lab, own: readonly Client[], start: NetworkPolicyObject[], goal: readonly GoalCell[]): Lab {
  const to = new Set(goal.map((c) => c.to));
  const from = new Set(goal.map((c) => c.from));
  const workloads = lab.workloads.filter((w) => to.has(w.name));
  return {
    name: lab.name,
    title: `${lab.title}: exercise ${name}`,
    namespaces: lab.namespaces,
    workloads,
    clients: [...lab.clients, ...own].filter((c) => from.has(c.name)),
    // An exercise is its policy scenario alone; the lab's checks (pods, volumes) are not graded.
    checks: [],
    scenarios: [
      {
        name,
        about: title,
        policies: start,
        traffic: goal.filter((c) => workloads.some((w) => w.name === c.to)).map(({ expect: _, ...t }) => t),
      },
    ],
  };
}
