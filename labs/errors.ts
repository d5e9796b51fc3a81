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

/** " (did you mean 'x'?)" for the closest allowed word, "" when none is close: every suggestion's wording. */
export function didYouMean(word: string, allowed: readonly string[]): string {
  const hint = closest(word, allowed);
  return hint === undefined ? "" : ` (did you mean '${hint}'?)`;
}

/** The closest allowed word, for "did you mean" hints on typos. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
