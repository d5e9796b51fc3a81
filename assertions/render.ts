import { plain, type Paint } from "../host/colour";
import { renderCounts, renderMismatches, renderSkipped } from "../verdict/render";
import { renderProbeTruthTables } from "../verdict/truth-table";
import type { VerifyReport } from "./verify";

/** The verify report for people: truth tables per scenario and port, then every mismatch explained, the skips, the tally. JUnit: verdict/junit.ts. */
export function renderReport(report: VerifyReport, paint: Paint = plain): string {
  return [
    `cnilab verify ${report.stack} (backend ${report.backend})`,
    "",
    ...renderProbeTruthTables(report.probes, paint),
    ...renderMismatches(report.probes, paint),
    ...renderSkipped(report.probes),
    renderCounts(report.counts, paint),
    "",
  ].join("\n");
}
