/**
 * Whose cluster `cnilab check --stack S` reads, and on which backend: a lab stack's kind cluster
 * (or --kubeconfig), or, for a workshop stack (`cnilab:workshop: W`), participant P's cluster as
 * `workshop up` saved it in <state>/workshops/<W>/<P>/: `kubeconfig`, and `participant.json` naming
 * their backend (a workshop may rotate backends across participants).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BACKEND_FACTS, BACKENDS, type BackendFacts } from "../backends";
import { stateFolder, userDir } from "../host/state";
import { InputError } from "../input/error";
import { readStackFile } from "../labs/stack";
import type { ImageMap } from "../pins/image-map";
import { UsageError, type Io } from "./command";
import { loadClusterSpec, type StackRef } from "./stack-arg";
import { participantFolder } from "../workshop/files";

export interface CheckTarget {
  /** What messages and the report call the cluster: the stack's name; in a terminal, workshop-participant. */
  name: string;
  backend: BackendFacts;
  /** The probe Jobs' images go through it (a lab stack's cnilab:imageMap). */
  imageMap: ImageMap;
  /** What the stack runs, when it is not one exercise's starting state (for the warning); undefined: that exercise. */
  runs: string | undefined;
  /** Where to read the kubeconfig; undefined: ask kind for the cluster `clusterName`. */
  kubeconfigFile: string | undefined;
  clusterName: string;
  /** What to run when the cluster cannot be read. */
  bringUp: string;
}

/** `workshop up`'s folder of a participant (workshop/files.ts decides where). */
function participantDir(state: { env: NodeJS.ProcessEnv; cwd: string }, workshop: string, participant: string): string {
  return participantFolder(stateFolder(state.env, state.cwd, "workshops"), workshop, participant);
}

export async function checkTarget(ref: StackRef, exercise: string, o: { participant?: string; kubeconfig?: string }, io: Io): Promise<CheckTarget> {
  const workshop = readStackFile(ref.file).workshop;
  const kubeconfigFile = o.kubeconfig === undefined ? undefined : resolve(userDir(io.env, io.cwd), o.kubeconfig);
  if (typeof workshop === "string") {
    if (o.participant === undefined) throw new UsageError(`${ref.name} is a workshop stack (cnilab:workshop: ${workshop}): name the participant whose cluster to check with --participant P`);
    const folder = participantDir(io, workshop, o.participant);
    return {
      name: ref.name,
      backend: participantBackend(join(folder, "participant.json"), o.participant),
      imageMap: {},
      runs: `workshop ${workshop}'s lab`,
      kubeconfigFile: kubeconfigFile ?? join(folder, "kubeconfig"),
      clusterName: "",
      bringUp: `cnilab workshop up ${ref.name}`,
    };
  }
  if (o.participant !== undefined) throw new UsageError(`--participant is for a workshop stack (cnilab:workshop); ${ref.name} is a lab stack: check it without --participant`);
  const spec = await loadClusterSpec(ref, "check");
  const s = spec.stack;
  return {
    name: ref.name,
    backend: BACKEND_FACTS[s.backend],
    imageMap: s.imageMap,
    runs: s.exercise === exercise ? undefined : s.exercise !== undefined ? `exercise ${s.exercise}` : `lab ${s.lab}'s scenarios`,
    kubeconfigFile,
    clusterName: s.clusterName,
    bringUp: `cnilab up ${ref.name}`,
  };
}

/** The participant's backend from what `workshop up` saved; one that names none is bad input. */
function participantBackend(file: string, participant: string): BackendFacts {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const why = (err as { code?: unknown }).code === "ENOENT" ? "is not there (is the workshop up?)" : `cannot be read: ${(err as Error).message.split("\n")[0]}`;
    throw new InputError([{ source: file, path: "", message: `participant ${participant}'s saved settings ${why}` }]);
  }
  const backend = (saved as { backend?: unknown } | null)?.backend;
  if (typeof backend === "string" && (BACKENDS as readonly string[]).includes(backend)) return BACKEND_FACTS[backend as (typeof BACKENDS)[number]];
  throw new InputError([{ source: file, path: "backend", message: `participant ${participant}'s backend`, value: String(backend), allowed: BACKENDS }]);
}
