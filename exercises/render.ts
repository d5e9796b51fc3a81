/**
 * What a participant reads: the handout of an exercise and the report of a check. Built from the
 * exercise's task, setting, goal and hints only: the reference solution is never an input here.
 */
import { stringify } from "yaml";
import type { ExerciseTask } from "../labs/exercise";
import { formatQuery } from "../policy";
import { columns } from "../text/columns";
import type { Grade, GradedCell } from "./grade";

export type Hint = { number: number; of: number; text: string };

const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ") || "(none)";

/** The exercise as a Markdown handout: the task, what runs where, the starting policies, the goal, how to check. */
export function renderHandout(ex: Pick<ExerciseTask, "name" | "title" | "task" | "lab" | "setting" | "clusterPods" | "start" | "goal">): string {
  const { setting } = ex;
  const pods = [
    ...setting.workloads.map((w) => [w.name, w.namespace, labelText(w.labels), w.containers.flatMap((c) => c.ports).map((p) => `${p.containerPort}/${p.protocol}`).join(" ")]),
    ...setting.clients.map((c) => [c.name, c.namespace, labelText(c.labels), "(client)"]),
    ...ex.clusterPods.map((p) => [p.name, p.namespace, labelText(p.labels), p.ports.map((x) => `${x.containerPort}/${x.protocol}`).join(" ")]),
  ];
  const namespaces = ["default", ...setting.namespaces.filter((n) => n.name !== "default").map((n) => (Object.keys(n.labels ?? {}).length > 0 ? `${n.name} (${labelText(n.labels!)})` : n.name))];
  const start = ex.start.length === 0 ? ["None: no NetworkPolicy selects any of these pods yet.", ""] : ["```yaml", ...ex.start.map((p) => `---\n${stringify(p).trimEnd()}`), "```", ""];
  return [
    `# ${ex.title}`,
    "",
    `Exercise \`${ex.name}\` on lab \`${ex.lab}\`.`,
    "",
    ex.task.trim(),
    "",
    "## What runs",
    "",
    "| pod | namespace | labels | ports |",
    "|---|---|---|---|",
    ...pods.map((r) => `| ${r.join(" | ")} |`),
    "",
    `Namespaces: ${namespaces.join("; ")}. Every namespace also carries kubernetes.io/metadata.name=<its name>.`,
    "",
    "## Starting policies",
    "",
    ...start,
    "## Goal",
    "",
    "| from | to | port | must be |",
    "|---|---|---|---|",
    ...ex.goal.map((c) => `| ${c.from} | ${c.to} | ${formatQuery(c)} | ${c.expect} |`),
    "",
    "## Check",
    "",
    "```sh",
    `cnilab check ${ex.name} -f mine.yaml          # your policies, applied over the starting ones, judged by the engine`,
    `cnilab check ${ex.name} --stack <stack>       # the policies in the cluster, then probed for real`,
    "```",
    "",
    "Each check that misses a cell shows the next hint.",
    "",
  ].join("\n");
}

const cellPort = (c: Pick<GradedCell, "port" | "protocol">) => formatQuery(c);

/** The offline report: every cell's goal and prediction, each miss with the engine's reason, then the hint. */
export function renderGrade(grade: Grade, hint: Hint | undefined): string {
  const head = grade.done ? `exercise ${grade.exercise}: all ${grade.total} goal cells met` : `exercise ${grade.exercise}: ${grade.met} of ${grade.total} goal cells met`;
  const table = columns([
    ["from", "to", "port", "goal", "predicted", ""],
    ...grade.cells.map((c) => [c.from, c.to, cellPort(c), c.goal, c.predicted, c.met ? "ok" : "MISS"]),
  ]);
  return [head, ...table, "", ...renderMisses(grade.cells), ...renderHint(hint)].join("\n");
}

/** Each missed cell in one line: the connection, the engine's reason, the goal. */
export function renderMisses(cells: readonly GradedCell[]): string[] {
  const missed = cells.filter((c) => !c.met);
  if (missed.length === 0) return [];
  return ["Misses:", ...missed.map((c) => `  ${c.from} → ${c.to} ${cellPort(c)}: ${c.reason}; goal: ${c.goal}`), ""];
}

export function renderHint(hint: Hint | undefined): string[] {
  return hint ? [`Hint ${hint.number} of ${hint.of}: ${hint.text}`, ""] : [];
}
