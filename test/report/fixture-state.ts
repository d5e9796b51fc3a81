import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The recorded results (see fixtures/README.md), copied into a fresh state directory. */
export const FIXTURES = join(__dirname, "fixtures");

export function fixtureState(prefix: string): { dir: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const state = join(dir, "state");
  cpSync(join(FIXTURES, "results"), join(state, "results"), { recursive: true });
  cpSync(join(FIXTURES, "datapath-bench.json"), join(state, "datapath-bench.json"));
  return { dir, state };
}
