/**
 * What `workshop up` leaves per participant, in <state>/workshops/<workshop>/<participant>/: their
 * kubeconfig, their handout (handout.md, handout.html) and participant.json, which `workshop status`
 * and `workshop reset` read (no Pulumi state needed). The folder is the participant's to copy: it
 * holds nothing of anyone else's.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SavedParticipant } from "./status";

export const PARTICIPANT_FILES = { kubeconfig: "kubeconfig", markdown: "handout.md", html: "handout.html", saved: "participant.json" } as const;

export function workshopFolder(workshopsDir: string, workshop: string): string {
  return join(workshopsDir, workshop);
}

export function participantFolder(workshopsDir: string, workshop: string, participant: string): string {
  return join(workshopFolder(workshopsDir, workshop), participant);
}

/**
 * Writes one participant's folder, readable by its owner only: the kubeconfig holds the cluster admin's
 * key, and participant.json and the handouts carry the terminal link with its token.
 */
export function saveParticipant(workshopsDir: string, workshop: string, p: SavedParticipant, handout: { markdown: string; html: string }): string {
  const dir = participantFolder(workshopsDir, workshop, p.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const { kubeconfig, ...rest } = p;
  if (kubeconfig !== undefined) writePrivate(join(dir, PARTICIPANT_FILES.kubeconfig), kubeconfig);
  writePrivate(join(dir, PARTICIPANT_FILES.saved), `${JSON.stringify(rest, null, 2)}\n`);
  writePrivate(join(dir, PARTICIPANT_FILES.markdown), handout.markdown);
  writePrivate(join(dir, PARTICIPANT_FILES.html), handout.html);
  return dir;
}

/** `mode` applies only when a file is created: a file an earlier up left keeps its mode unless set again. */
function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** What up saved for these participants; one never brought up is there without kubeconfig. */
export function readParticipants(workshopsDir: string, workshop: string, names: readonly string[]): Map<string, Partial<SavedParticipant>> {
  const out = new Map<string, Partial<SavedParticipant>>();
  for (const name of names) {
    const dir = participantFolder(workshopsDir, workshop, name);
    const saved = join(dir, PARTICIPANT_FILES.saved);
    const kube = join(dir, PARTICIPANT_FILES.kubeconfig);
    const value = existsSync(saved) ? (JSON.parse(readFileSync(saved, "utf8")) as Partial<SavedParticipant>) : {};
    out.set(name, { ...value, ...(existsSync(kube) ? { kubeconfig: readFileSync(kube, "utf8") } : {}) });
  }
  return out;
}

/** Removes the workshop's folder (down); the participants it held, for the report. */
export function removeWorkshopFolder(workshopsDir: string, workshop: string): string[] {
  const dir = workshopFolder(workshopsDir, workshop);
  if (!existsSync(dir)) return [];
  const held = readdirSync(dir);
  rmSync(dir, { recursive: true, force: true });
  return held;
}
