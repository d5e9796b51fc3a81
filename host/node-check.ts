/**
 * The Node.js that runs cnilab against package.json's `engines.node`, read from the file (never
 * restated here), so raising the floor is one edit. The range forms read are npm's comparators
 * (https://docs.npmjs.com/cli/v11/configuring-npm/package-json#engines): `>=a.b.c`, `>a.b.c`,
 * `<a.b.c`, `<=a.b.c`, `a.b.c`, space-separated (all must hold) and `||` (any alternative).
 */
import packageJson from "../package.json";
import { compareVersions, fail, parseVersion, pass, warn, type Check } from "./check";

/** The fields of package.json the CLI reads: its version (`--version`) and the Node it supports. */
export interface PackageInfo {
  version: string;
  engines?: { node?: string };
}

/** Imported, not read beside this file: a bundle of the CLI (the terminal's, terminal/image.ts) carries it inside. */
export function packageInfo(): PackageInfo {
  return packageJson;
}

/** Whether `version` satisfies `range`; undefined when the range has a form this reader does not know. */
export function satisfies(version: string, range: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  const alternatives = range.split("||").map((alt) =>
    alt
      .trim()
      .split(/\s+/)
      .map((comparator) => {
        const m = /^(>=|<=|>|<|=)?v?(\d+\.\d+\.\d+)$/.exec(comparator);
        if (!m) return undefined;
        const d = compareVersions(v, parseVersion(m[2]!)!);
        return { ">=": d >= 0, "<=": d <= 0, ">": d > 0, "<": d < 0, "=": d === 0 }[m[1] ?? "="];
      }),
  );
  if (alternatives.some((alt) => alt.some((ok) => ok === undefined))) return undefined;
  return alternatives.some((alt) => alt.every(Boolean));
}

/** `running`: the Node version that runs this check (process.versions.node unless a test says). */
export function checkNode(running: string, engines: string | undefined): Check {
  const needs = `package.json engines.node "${engines}"`;
  if (engines === undefined) return pass("node", `Node ${running} (package.json names no engines.node)`);
  const ok = satisfies(running, engines);
  if (ok === undefined) return warn("node", `Node ${running}; cannot read ${needs}`, `use a Node that ${needs} allows`);
  if (ok) return pass("node", `Node ${running} satisfies ${needs}`);
  return fail(
    "node",
    `Node ${running} is outside ${needs}`,
    "run cnilab with a supported Node: npx -y -p node@24 sh -c 'npm run lab -- doctor' (README \"The two commands\")",
  );
}
