import type { ProbeRow } from "./types";
import { expectedText } from "./judge";

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * JUnit XML for CI systems: one testsuite per group, one testcase per probe; a mismatch is a failure,
 * an unreadable result an error, a skipped probe a skip with its reason. `suite` names the run (a stack).
 */
export function renderJUnit(suite: string, rows: readonly ProbeRow[]): string {
  const groups = [...new Set(rows.map((p) => p.group))];
  const suites = groups.map((group) => {
    const cases = rows.filter((p) => p.group === group);
    const count = (s: string) => cases.filter((p) => p.status === s).length;
    const body = cases.map((p) => {
      const open = `    <testcase classname="cnilab.${xml(suite)}.${xml(group)}" name="${xml(p.id)}" time="${(p.latencyMs / 1000).toFixed(3)}"`;
      if (p.status === "pass") return `${open}/>`;
      if (p.status === "skipped") return `${open}>\n      <skipped message="${xml(p.why)}"/>\n    </testcase>`;
      const tag = p.status === "error" ? "error" : "failure";
      const message = `expected ${expectedText(p)}, observed ${p.observed}`;
      return `${open}>\n      <${tag} message="${xml(message)}">${xml(p.explanation ?? "")}</${tag}>\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xml(suite)}/${xml(group)}" tests="${cases.length}" failures="${count("mismatch")}" errors="${count("error")}" skipped="${count("skipped")}">`,
      ...body,
      "  </testsuite>",
    ].join("\n");
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cnilab verify ${xml(suite)}">\n${suites.join("\n")}\n</testsuites>\n`;
}
