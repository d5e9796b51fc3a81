/**
 * A record of each lab that was brought up, for `explain` and `probe` to know the options it was
 * built with. Never needed for cleanup: `down` finds everything by its namespace prefix.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Backend } from "../backends/types";
import type { LabOptions } from "./topology";

export interface LabState {
  backend: Backend;
  options: LabOptions;
  /** ISO time the lab's plan started to run. */
  createdAt: string;
  namespaces: string[];
  /** False until every step ran; a lab left at false crashed midway. */
  complete: boolean;
}


function stateFile(dir: string, backend: Backend): string {
  return join(dir, `datapath-${backend}.json`);
}

export function writeLabState(dir: string, state: LabState): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(stateFile(dir, state.backend), `${JSON.stringify(state, null, 2)}\n`);
}

export function readLabState(dir: string, backend: Backend): LabState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dir, backend), "utf8")) as LabState;
  } catch {
    return undefined;
  }
}

export function removeLabState(dir: string, backend: Backend): void {
  rmSync(stateFile(dir, backend), { force: true });
}
