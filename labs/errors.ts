/**
 * One error type for bad input: it lists every problem at once, each with the file, the path of the
 * field, what was wrong and what is allowed — like kind's config validation, which collects all errors.
 */
export interface SpecProblem {
  /** The file (or "stack config") the problem is in, relative to the project root. */
  source: string;
  /** Dotted path with indexes: `scenarios[2].policies[0].spec.podSelector`; "" for the whole file. */
  path: string;
  message: string;
}

export class SpecError extends Error {
  override name = "SpecError";
  constructor(readonly problems: readonly SpecProblem[]) {
    super(problems.map(formatProblem).join("\n"));
  }
}

export function formatProblem(p: SpecProblem): string {
  return p.path ? `${p.source}: ${p.path}: ${p.message}` : `${p.source}: ${p.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

// The probe program is bundled from probe/ alone (probe/bundle.ts), so the rule lives there.
export { fileProblem } from "../probe/files";
// Every suggestion's wording; a leaf, since the policy engine below the lab loader suggests too.
export { closest, didYouMean } from "../text/did-you-mean";
