/**
 * `cnilab:chartDirs` checked on its own, where the stack file is read: a chart name → a local folder
 * holding that chart (Chart.yaml, values.yaml, templates/), installed from there instead of from its
 * repository (plan/chart-dirs.ts), for air-gapped sites and machines that reach no chart repository.
 * The folder must hold the pinned chart (its Chart.yaml name and version), so the chart facts (images,
 * CRDs) stay true.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { CALICO_CHART, CALICO_CRDS_CHART, FLANNEL_CHART } from "../pins";
import type { SpecProblem } from "./errors";

export type ChartDirs = Readonly<Record<string, string>>;

const PINNED: readonly { name: string; version: string }[] = [FLANNEL_CHART, CALICO_CRDS_CHART, CALICO_CHART];

/** Problems of each entry on its own: a pinned chart's name, an absolute folder whose Chart.yaml is that chart at its pinned version. */
export function chartDirProblems(dirs: ChartDirs, source: string, readFile: (file: string) => string = (f) => readFileSync(f, "utf8")): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const [name, dir] of Object.entries(dirs)) {
    const at = (message: string) => problems.push({ source, path: `cnilab:chartDirs["${name}"]`, message });
    const pinned = PINNED.find((c) => c.name === name);
    if (!pinned) {
      at(`'${name}' is not a chart cnilab installs; allowed: ${PINNED.map((c) => c.name).join(", ")}`);
      continue;
    }
    if (!isAbsolute(dir)) {
      at(`'${dir}' is not an absolute path; give the folder that holds Chart.yaml`);
      continue;
    }
    let chart: { name?: unknown; version?: unknown };
    try {
      chart = (parseYaml(readFile(join(dir, "Chart.yaml"))) ?? {}) as typeof chart;
    } catch (e) {
      at(`cannot read ${join(dir, "Chart.yaml")} (${(e as Error).message.split("\n")[0]}); give the folder that holds the chart ${name} ${pinned.version}`);
      continue;
    }
    if (chart.name !== name || chart.version !== pinned.version) {
      at(`${join(dir, "Chart.yaml")} is chart ${String(chart.name)} ${String(chart.version)}; it must be ${name} ${pinned.version}, the version cnilab pins`);
    }
  }
  return problems;
}
