import { plain, type Paint } from "../host/colour";
import { expectedText } from "./judge";
import type { ProbeRow, Status } from "./types";

/**
 * The terminal renderings every lab shares: a table of probes, the mismatches explained, the skipped
 * probes with their reasons, and the tally. Verdict words are coloured after padding, so columns line
 * up with colour or without.
 */

const VERDICT_WORD: Record<Status, string> = { pass: "ok", mismatch: "MISMATCH", error: "ERROR", skipped: "skipped" };
const VERDICT_TONE = (s: Status) => (s === "pass" ? "good" : "bad");

/** "client-a → web-b" */
export const routeOf = (p: Pick<ProbeRow, "client" | "toLabel">): string => `${p.client} → ${p.toLabel}`;
/** "80/tcp"; "file" for a file probe, which has no port. */
export const portOf = (p: Pick<ProbeRow, "port" | "protocol">): string => (p.protocol === "file" ? "file" : `${p.port}/${p.protocol}`);
/** "10.1.214.10:80/tcp"; a file probe's path as "/data/marker (file)". */
export const addressOf = (p: Pick<ProbeRow, "to" | "port" | "protocol">): string => (p.protocol === "file" ? `${p.to} (file)` : `${p.to}:${portOf(p)}`);

/**
 * One line per probe that ran, indented by two: its group (named by `groupHeading`, e.g. "path"), source →
 * target, address, expected, observed and the verdict.
 */
export function renderTable(rows: readonly ProbeRow[], groupHeading: string, paint: Paint = plain): string[] {
  const ran = rows.filter((p) => p.status !== "skipped");
  const cells = [
    [groupHeading, "probe", "target", "expected", "observed", ""],
    ...ran.map((p) => [p.group, routeOf(p), addressOf(p), expectedText(p), p.observed, VERDICT_WORD[p.status]]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r, line) => {
    const text = `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()}`;
    if (line === 0) return text;
    const status = ran[line - 1]!.status;
    const word = VERDICT_WORD[status];
    return `${text.slice(0, text.length - word.length)}${paint(VERDICT_TONE(status), word)}`;
  });
}

/** Every probe that did not show its expected outcome: what it tried, what it saw after how many attempts, and why that matters. */
export function renderMismatches(rows: readonly ProbeRow[], paint: Paint = plain): string[] {
  const wrong = rows.filter((p) => p.status === "mismatch" || p.status === "error");
  if (wrong.length === 0) return [];
  return [
    "Mismatches:",
    ...wrong.flatMap((p) => [
      `  ${paint("bad", VERDICT_WORD[p.status])} ${p.id}: ${routeOf(p)} (${addressOf(p)})`,
      `    expected ${expectedText(p)}, observed ${p.observed} after ${p.attempts} attempt(s)${p.detail ? ` [${p.detail}]` : ""}`,
      `    ${p.explanation ?? ""}`,
    ]),
    "",
  ];
}

/** The probes that did not run, each with its reason. */
export function renderSkipped(rows: readonly ProbeRow[]): string[] {
  const skipped = rows.filter((p) => p.status === "skipped");
  return skipped.length === 0 ? [] : ["Skipped:", ...skipped.map((p) => `  ${p.id}: ${p.why}`), ""];
}

/** "12 as expected, 0 mismatched, 0 errors, 1 skipped" */
export function renderCounts(c: Readonly<Record<Status, number>>, paint: Paint = plain): string {
  return `${paint("good", `${c.pass} as expected`)}, ${paint(c.mismatch > 0 ? "bad" : "good", `${c.mismatch} mismatched`)}, ${paint(c.error > 0 ? "bad" : "good", `${c.error} errors`)}, ${c.skipped} skipped`;
}
