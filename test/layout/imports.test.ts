/**
 * The tree's one-way rules, checked on every import and require of every production file (all but
 * test/, local/ and node_modules/), type-only imports included:
 * - production code never imports test code;
 * - the top-level folders form no cycle: each depends only on folders below it (pins, ip, probe and
 *   text at the bottom; then backends, policy, labs, host, assertions, plan; components, the lab
 *   kinds and the CLI on top);
 * - pins/ is a leaf: it imports nothing of ours outside itself, and no other file writes an image digest;
 * - the CLI imports no component (it runs program.ts, whose output types live in plan/ and docker/);
 * - CLI commands share services (cli/services/, host/), never each other: only the two registries
 *   import them (cli/commands.ts for the main cnilab; cli/terminal-commands.ts for the terminal's,
 *   kept apart so its bundle does not carry every command).
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { productionFiles } from "../helpers/production-files";
import { ROOT } from "../helpers/stacks";

/** `from "…"`, `import("…")`, `require("…")` with a relative specifier. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** A production file's relative imports, resolved to absolute paths. */
function importsOf(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1]!));
}

/** The top-level folder a path is in; a file at the root is its own node (`program.ts`). */
function folderOf(path: string): string {
  return relative(ROOT, path).split(sep)[0]!;
}

/** Folder → folder edges, each with the imports that make it (for the message). */
function folderGraph(files: readonly string[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const from = folderOf(file);
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${relative(ROOT, file)} → ${relative(ROOT, target)}`]);
    }
  }
  return graph;
}

/** Every cycle through the graph as the folders on it, found by depth-first search (one per back edge). */
function folderCycles(graph: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** A command module is one that exports a `Command` (cli/command.ts); cli/commands.ts lists them. */
const COMMAND_EXPORT = /^export const \w+Command: Command\b/m;

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

  it("the top-level folders import each other without a cycle", () => {
    const graph = folderGraph(productionFiles(ROOT));
    expect(graph.size).toBeGreaterThan(10);
    // Each cycle with the imports along it, so the message says which file to move.
    const explained = folderCycles(graph).map((cycle) =>
      cycle.slice(1).map((to, i) => `${cycle[i]} → ${to}: ${graph.get(cycle[i]!)!.get(to)!.join(", ")}`),
    );
    expect(explained).toEqual([]);
  });

  it("image digests are written in pins/ only", () => {
    const digest = /@sha256:[0-9a-f]{64}/;
    const elsewhere = productionFiles(ROOT).filter((file) => folderOf(file) !== "pins" && digest.test(readFileSync(file, "utf8")));
    expect(elsewhere.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it("the CLI imports no component: stack-output types live with the plan that produces them", () => {
    const cli = productionFiles(join(ROOT, "cli"));
    expect(cli.length).toBeGreaterThan(10);
    const components = cli.flatMap((file) => importsOf(file).filter((t) => folderOf(t) === "components").map((t) => `${relative(ROOT, file)} imports ${relative(ROOT, t)}`));
    expect(components).toEqual([]);
  });

  it("no module imports a command module but the registries cli/commands.ts and cli/terminal-commands.ts", () => {
    const files = productionFiles(ROOT);
    const commands = new Set(files.filter((f) => COMMAND_EXPORT.test(readFileSync(f, "utf8"))).map((f) => f.replace(/\.ts$/, "")));
    // Every command registered in cli/commands.ts is found by its export, so the check covers them all.
    expect(commands.size).toBeGreaterThanOrEqual(12);
    const registries = [join(ROOT, "cli", "commands.ts"), join(ROOT, "cli", "terminal-commands.ts")];
    const offenders = files
      .filter((f) => !registries.includes(f))
      .flatMap((file) => importsOf(file).filter((t) => commands.has(t)).map((t) => `${relative(ROOT, file)} imports the command ${relative(ROOT, t)}`));
    expect(offenders).toEqual([]);
  });

  it("pins/ imports nothing of ours outside itself", () => {
    const pins = productionFiles(join(ROOT, "pins"));
    expect(pins.length).toBeGreaterThan(3);
    const outside = pins.flatMap((file) => importsOf(file).filter((t) => folderOf(t) !== "pins").map((t) => `${relative(ROOT, file)} imports ${relative(ROOT, t)}`));
    expect(outside).toEqual([]);
  });
});

describe("folderCycles", () => {
  const graph = (edges: [string, string][]) => {
    const g = new Map<string, Map<string, string[]>>();
    for (const [a, b] of edges) g.set(a, new Map([...(g.get(a) ?? []), [b, [`${a}/x.ts → ${b}/y.ts`]]]));
    return g;
  };

  it("finds none in a layered graph, and each cycle of a cyclic one", () => {
    expect(folderCycles(graph([["plan", "labs"], ["labs", "pins"], ["plan", "pins"]]))).toEqual([]);
    expect(folderCycles(graph([["labs", "plan"], ["plan", "labs"]]))).toEqual([["labs", "plan", "labs"]]);
    expect(folderCycles(graph([["assertions", "plan"], ["plan", "labs"], ["labs", "assertions"], ["labs", "pins"]]))).toEqual([["assertions", "plan", "labs", "assertions"]]);
  });
});
