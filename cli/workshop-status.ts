/**
 * `cnilab workshop status <workshop> [--watch] [--html FILE]`: one row per participant, read from
 * every cluster at once (workshop/status.ts), each within --timeout. --watch reads again every
 * --interval seconds until Ctrl-C; --html writes the same table as one self-contained page each time.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { BACKEND_FACTS } from "../backends";
import { BACKENDS, type Backend } from "../backends/types";
import { stateFolder } from "../host/state";
import { readStackFile } from "../labs";
import { readParticipants } from "../workshop/files";
import { planWorkshop } from "../workshop/plan";
import { loadWorkshopStack } from "../workshop/stack";
import { readStatus, renderStatusHtml, renderStatusText, type ExerciseGrading, type SavedParticipant, type StatusCluster, type StatusRow } from "../workshop/status";
import type { Io } from "./command";
import { exitCode } from "./exit";
import type { StackRef } from "./stack-arg";

export interface StatusOptions {
  watch: boolean;
  html?: string;
  intervalMs: number;
  timeoutMs: number;
}

export interface StatusDeps {
  root: string;
  connect: (kubeconfig: string) => Promise<StatusCluster>;
  /** The exercises' grading, when a lab has exercises; undefined: the column shows "—". */
  exercises?: ExerciseGrading;
  /** Resolves when the next round is due; false stops watching (Ctrl-C, or a test's last round). */
  wait: (ms: number) => Promise<boolean>;
  now: () => Date;
}

const EXERCISES_NOTE = "exercises: — (the lab has no exercises in labs/exercises/)";

export async function runWorkshopStatus(ref: StackRef, options: StatusOptions, io: Io, deps: StatusDeps): Promise<number> {
  const workshop = loadWorkshopStack(readStackFile(ref.file), ref.source);
  const plan = await planWorkshop(workshop, ref.source);
  const saved = readParticipants(stateFolder(io.env, io.cwd, "workshops", deps.root), workshop.name, plan.participants.map((p) => p.name));
  const participants: SavedParticipant[] = plan.participants.map((p) => ({
    name: p.name,
    host: p.host.id,
    backend: p.backend,
    clusterName: p.clusterName,
    apiServer: `https://${p.apiServer.address}:${p.apiServer.port}`,
    ...saved.get(p.name),
  }));
  const backendOf = (name: string) => ((BACKENDS as readonly string[]).includes(name) ? BACKEND_FACTS[name as Backend] : undefined);
  const notes = deps.exercises ? [] : [EXERCISES_NOTE];
  let rows: StatusRow[];
  do {
    rows = await readStatus(participants, deps.connect, backendOf, deps.exercises, options.timeoutMs);
    const at = deps.now().toISOString();
    io.stdout(`${options.watch ? `\n${at}\n` : ""}${renderStatusText(rows, notes)}`);
    if (options.html) {
      const file = resolve(io.cwd, options.html);
      writeFileSync(file, renderStatusHtml(workshop.name, rows, notes, at));
      if (!options.watch) io.stdout(`HTML: ${file}\n`);
    }
  } while (options.watch && (await deps.wait(options.intervalMs)));
  const healthy = rows.every((r) => r.reachable && r.cni === "ready" && !r.verify.startsWith("failed") && !r.verify.startsWith("?"));
  return exitCode(healthy ? "ok" : "mismatch");
}
