/**
 * "Did you mean" hints for typos: one wording for every message that suggests (lab files, stack
 * settings, policy fields, command-line words). Pure text; imports nothing.
 */

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
