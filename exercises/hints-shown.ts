/**
 * How many hints of an exercise a participant has been shown: `cnilab check` shows the next one
 * after each check that misses. Kept in the state directory, one small file per participant and
 * exercise: <state>/exercises/<participant>/<exercise>.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ExerciseTask } from "../labs/exercise";
import { nextHint } from "./grade";
import type { Hint } from "./render";

/** Whose progress it is when no --participant is given: the person at this machine. */
export const LOCAL_PARTICIPANT = "local";

function file(folder: string, participant: string, exercise: string): string {
  return join(folder, participant, `${exercise}.json`);
}

/** 0 when nothing was recorded (or the record is unreadable: the hints start again). */
export function hintsShown(folder: string, participant: string, exercise: string): number {
  try {
    const n = (JSON.parse(readFileSync(file(folder, participant, exercise), "utf8")) as { hintsShown?: unknown }).hintsShown;
    return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

export function recordHintsShown(folder: string, participant: string, exercise: string, shown: number): void {
  const path = file(folder, participant, exercise);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ hintsShown: shown })}\n`);
}

export interface HintCounter {
  /** The next hint in order, counted as shown. */
  next(): Hint;
}

/** Hints of `ex` for `participant`, counted in `folder` (<state>/exercises). */
export function hintCounter(folder: string, participant: string, ex: ExerciseTask): HintCounter {
  return {
    next() {
      const shown = hintsShown(folder, participant, ex.name);
      recordHintsShown(folder, participant, ex.name, shown + 1);
      return nextHint(ex, shown);
    },
  };
}
