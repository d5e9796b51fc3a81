/**
 * One name, one meaning: no exported name is declared in two production files (issue 12 found
 * fifteen, and the copies had started to disagree). A re-export (`export { x } from`) is not a
 * declaration, so a folder's index may still gather its files' names.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { productionFiles } from "../helpers/production-files";
import { ROOT } from "../helpers/stacks";

/** `export [default] [declare] [async] function|const|let|class|type|interface|enum NAME`. */
const DECLARATION = /^export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|type|interface|enum)\s+([A-Za-z_$][\w$]*)/gm;

/** Exported name → the files that declare it. */
function declaredExports(files: readonly { path: string; text: string }[]): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const { path, text } of files) {
    for (const m of text.matchAll(DECLARATION)) where.set(m[1]!, [...new Set([...(where.get(m[1]!) ?? []), path])]);
  }
  return where;
}

describe("exported names", () => {
  it("finds a name declared in two files, and not a re-export", () => {
    const found = declaredExports([
      { path: "a.ts", text: "export const PROBE_TIMEOUT_MS = 2000;\nexport async function run() {}\n" },
      { path: "b.ts", text: "export interface Thing {}\nexport function run(): void {}\n" },
      { path: "c.ts", text: 'export { Thing } from "./b";\nexport type Other = string;\n' },
    ]);
    expect(found.get("run")).toEqual(["a.ts", "b.ts"]);
    expect(found.get("Thing")).toEqual(["b.ts"]);
    expect(found.get("Other")).toEqual(["c.ts"]);
  });

  it("declares each exported name in one production file only", () => {
    const files = productionFiles(ROOT).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));
    const twice = [...declaredExports(files)].filter(([, paths]) => paths.length > 1).map(([name, paths]) => `${name}: ${paths.join(", ")}`);
    expect(twice).toEqual([]);
  });
});
