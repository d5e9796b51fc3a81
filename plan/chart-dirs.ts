/**
 * `cnilab:chartDirs` applied to the releases a plan installs: each named chart is installed from its
 * folder (checked against the pinned chart by labs/chart-dirs.ts when the stack file is read).
 */
import type { HelmRelease } from "../backends";
import type { ChartDirs } from "../labs/chart-dirs";
import type { SpecProblem } from "../labs/errors";

/** The releases with their folder set where the stack gives one; a folder for a chart the stack does not install is a problem. */
export function withChartDirs(charts: readonly HelmRelease[], dirs: ChartDirs, source: string): { charts: HelmRelease[]; problems: SpecProblem[] } {
  const installed = charts.map((h) => h.chart);
  const problems = Object.keys(dirs)
    .filter((name) => !installed.includes(name))
    .map((name) => ({
      source,
      path: `cnilab:chartDirs["${name}"]`,
      message: `this stack installs no chart '${name}'; it installs: ${installed.length > 0 ? installed.join(", ") : "none"}`,
    }));
  return { charts: charts.map((h) => (dirs[h.chart] ? { ...h, localDir: dirs[h.chart] } : h)), problems };
}
