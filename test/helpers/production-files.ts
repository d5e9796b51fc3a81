import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Folders that hold no production code: tests, the local real-cluster harness, dependencies, state. */
const NOT_PRODUCTION = new Set(["node_modules", "test", "local", ".git", ".cnilab"]);
const SOURCE = /\.(ts|mts|cts|js|cjs|mjs)$/;

/** Every production source file below `dir` (declaration files excluded), as absolute paths. */
export function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return NOT_PRODUCTION.has(e.name) ? [] : productionFiles(join(dir, e.name));
    return SOURCE.test(e.name) && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [];
  });
}
