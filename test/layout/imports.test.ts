/**
 * The tree's one-way rule: production code never imports test code. Every import and require in
 * every production file (all but test/, local/ and node_modules/) is resolved and checked.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/stacks";

const NOT_PRODUCTION = new Set(["node_modules", "test", "local", ".git", ".cnilab"]);
const SOURCE = /\.(ts|mts|cts|js|cjs|mjs)$/;
/** `from "…"`, `import("…")`, `require("…")` with a relative specifier. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return NOT_PRODUCTION.has(e.name) ? [] : productionFiles(join(dir, e.name));
    return SOURCE.test(e.name) && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [];
  });
}

describe("layout", () => {
  it("no production file imports anything under test/", () => {
    const testDir = join(ROOT, "test") + sep;
    const files = productionFiles(ROOT);
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(IMPORT)]
        .map((m) => resolve(dirname(file), m[1]!))
        .filter((target) => (target + sep).startsWith(testDir))
        .map((target) => `${relative(ROOT, file)} imports ${relative(ROOT, target)}`),
    );
    expect(offenders).toEqual([]);
  });
});
