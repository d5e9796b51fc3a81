import { plain, type Paint } from "../host/colour";
import type { VerifiedProbe, VerifyReport } from "./verify";

/**
 * The verify report for people (truth tables like upstream e2e's, then every mismatch explained) and
 * for CI systems (JUnit XML).
 */

type Cell = "." | "X" | "?";
const expectedCell = (p: VerifiedProbe): Cell => (p.expect === "connected" ? "." : "X");
const observedCell = (p: VerifiedProbe): Cell => (p.observed === "error" ? "?" : p.observed === "connected" ? "." : "X");

/** Probes of one group and one port/protocol: rows = sources, columns = destinations. */
function truthTables(probes: readonly VerifiedProbe[]): string[] {
  const rows = [...new Set(probes.map((p) => p.client))];
  const cols = [...new Set(probes.map((p) => p.toLabel))];
  const width = Math.max(...rows.map((r) => r.length), 6);
  const index = new Map(probes.map((p) => [`${p.client}|${p.toLabel}`, p]));
  const table = (title: string, cell: (p: VerifiedProbe) => string) => [
    title,
    `${" ".repeat(width)}  ${cols.map((_, i) => String(i + 1).padStart(2)).join(" ")}`,
    ...rows.map((r) => `${r.padEnd(width)}  ${cols.map((c) => { const p = index.get(`${r}|${c}`); return (p ? cell(p) : " ").padStart(2); }).join(" ")}`),
  ];
  const comparison = (p: VerifiedProbe) => (p.status === "pass" ? "." : "X");
  return [
    ...table("expected", expectedCell),
    ...table("observed", observedCell),
    ...table("comparison (X = wrong)", comparison),
    ...cols.map((c, i) => `  ${String(i + 1).padStart(2)} = ${c}`),
  ];
}

export function renderReport(report: VerifyReport, paint: Paint = plain): string {
  const lines: string[] = [`cnilab verify ${report.stack} (backend ${report.backend})`, ""];
  const ran = report.probes.filter((p) => p.status !== "skipped");
  const groups = [...new Set(ran.map((p) => p.group))];
  for (const group of groups) {
    const inGroup = ran.filter((p) => p.group === group);
    const ports = [...new Set(inGroup.map((p) => `${p.port}/${p.protocol}`))];
    for (const port of ports) {
      const these = inGroup.filter((p) => `${p.port}/${p.protocol}` === port);
      const ok = these.filter((p) => p.status === "pass").length;
      lines.push(`== ${group}  ${port}  ${paint(ok === these.length ? "good" : "bad", `(${ok}/${these.length} as expected)`)}`, ...truthTables(these), "");
    }
  }
  const wrong = ran.filter((p) => p.status !== "pass");
  if (wrong.length > 0) {
    lines.push("Mismatches:");
    for (const p of wrong) {
      lines.push(
        `  ${paint("bad", p.status === "error" ? "ERROR" : "MISMATCH")} ${p.id}: ${p.client} → ${p.toLabel} (${p.to}:${p.port}/${p.protocol})`,
        `    expected ${p.expect}, observed ${p.observed} after ${p.attempts} attempt(s)${p.detail ? ` [${p.detail}]` : ""}`,
        `    ${p.explanation ?? ""}`,
      );
    }
    lines.push("");
  }
  const skipped = report.probes.filter((p) => p.status === "skipped");
  if (skipped.length > 0) {
    lines.push("Skipped:", ...skipped.map((p) => `  ${p.id}: ${p.why}`), "");
  }
  const c = report.counts;
  lines.push(`${paint("good", `${c.pass} as expected`)}, ${paint(c.mismatch > 0 ? "bad" : "good", `${c.mismatch} mismatched`)}, ${paint(c.error > 0 ? "bad" : "good", `${c.error} errors`)}, ${c.skipped} skipped`);
  return `${lines.join("\n")}\n`;
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** JUnit XML: one testsuite per group, one testcase per probe; mismatches fail, errors error. */
export function renderJUnit(report: VerifyReport): string {
  const groups = [...new Set(report.probes.map((p) => p.group))];
  const suites = groups.map((group) => {
    const cases = report.probes.filter((p) => p.group === group);
    const count = (s: string) => cases.filter((p) => p.status === s).length;
    const body = cases.map((p) => {
      const name = xml(p.id);
      const open = `    <testcase classname="cnilab.${xml(report.stack)}.${xml(group)}" name="${name}" time="${(p.latencyMs / 1000).toFixed(3)}"`;
      if (p.status === "pass") return `${open}/>`;
      if (p.status === "skipped") return `${open}>\n      <skipped message="${xml(p.why)}"/>\n    </testcase>`;
      const tag = p.status === "error" ? "error" : "failure";
      const message = `expected ${p.expect}, observed ${p.observed}`;
      return `${open}>\n      <${tag} message="${xml(message)}">${xml(p.explanation ?? "")}</${tag}>\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xml(report.stack)}/${xml(group)}" tests="${cases.length}" failures="${count("mismatch")}" errors="${count("error")}" skipped="${count("skipped")}">`,
      ...body,
      "  </testsuite>",
    ].join("\n");
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cnilab verify ${xml(report.stack)}">\n${suites.join("\n")}\n</testsuites>\n`;
}
