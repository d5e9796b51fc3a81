/**
 * `cnilab workshop up <workshop> [--from-bundle FILE]`. Without a bundle: the charts the workshop
 * installs fetched once into its folder (workshop/bundle fetchCharts), then `cnilab up` of the
 * workshop stack with `cnilab:chartDirs` naming them, so no participant fetches a chart. With a
 * bundle, for a venue without internet, in three steps:
 *   1. on a workshop not up yet, an update with `cnilab:cachesOnly`: the hosts' registry caches and
 *      no lab (a workshop already up has its caches: the labs wait for them);
 *   2. the bundle loaded into every host's caches, its charts unpacked into the workshop's folder
 *      (cli/workshop-bundle.ts loadWorkshopBundle);
 *   3. the whole workshop, with `cnilab:chartDirs` naming those charts for every participant.
 * Steps 1 and 3 run the caches with `cnilab:cacheMode: offline` (they serve what was loaded and ask
 * no upstream); a later `workshop up` without a bundle turns them back into pull-through caches,
 * keeping what they hold.
 */
import { LAB_TYPES } from "../plan/resources";
import type { Io } from "./command";
import { labWorkspace, type LabCommandDeps } from "./deps";
import { exitCode } from "./exit";
import { openLabStack } from "./pulumi";
import { bringUp } from "./services/deploy";
import { ensureTools } from "../host/tools";
import type { StackRef } from "./stack-arg";
import { loadLabStack } from "./stack-arg";
import { fetchCharts, workshopContents } from "../workshop/bundle";
import { loadWorkshopBundle, workshopChartsDir } from "./workshop-bundle";

/** A chart repository answers within this, per request. */
const CHART_FETCH_TIMEOUT_MS = 5 * 60_000;

export async function runWorkshopUp(ref: StackRef, bundle: string | undefined, io: Io, deps: LabCommandDeps): Promise<number> {
  const lab = await loadLabStack(ref);
  if (lab.kind !== "workshop") throw new Error(`${ref.source} is not a workshop stack`);
  if (bundle === undefined) {
    const { charts } = workshopContents(lab.plan.participants.map((p) => p.lab));
    if (charts.length === 0) return bringUp(ref, io, deps);
    io.stdout(`Fetching ${charts.map((c) => `${c.name} ${c.version}`).join(", ")} once for every participant.\n`);
    const chartDirs = await fetchCharts(charts, workshopChartsDir(io, lab.plan.workshop), CHART_FETCH_TIMEOUT_MS);
    return bringUp(ref, io, deps, { config: { "cnilab:chartDirs": JSON.stringify(chartDirs) } });
  }
  const offline = { "cnilab:cacheMode": "offline" };
  if (!(await hasLabs(ref, io, deps))) {
    io.stdout(`Step 1 of 3: the registry caches of ${lab.plan.hosts.map((h) => h.host.id).join(", ")}, no lab yet.\n`);
    const caches = await bringUp(ref, io, deps, { config: { ...offline, "cnilab:cachesOnly": "true" }, verify: false });
    if (caches !== exitCode("ok")) return caches;
  }
  io.stdout(`Step 2 of 3: loading ${bundle} into the caches.\n`);
  const caches = lab.plan.hosts.map((h) => ({ ...h.cache, mode: "offline" as const }));
  const chartDirs = await loadWorkshopBundle({ workshop: lab.plan.workshop, file: bundle, caches }, io);
  io.stdout(`Step 3 of 3: every participant's lab${Object.keys(chartDirs).length > 0 ? `, charts from ${Object.keys(chartDirs).join(", ")} unpacked` : ""}.\n`);
  return bringUp(ref, io, deps, { config: { ...offline, "cnilab:chartDirs": JSON.stringify(chartDirs) } });
}

/** Whether the stack's state holds a participant's Lab (then its caches exist too). */
async function hasLabs(ref: StackRef, io: Io, deps: LabCommandDeps): Promise<boolean> {
  const { located } = await ensureTools(deps.host, ["pulumi"], (line) => io.stderr(`cnilab workshop: ${line}\n`));
  const pulumiPath = located.pulumi?.use?.path;
  // Without Pulumi there is no state to read; the caches-only update then says what is missing.
  if (!pulumiPath) return false;
  const opened = await openLabStack(labWorkspace(ref.name, deps, { pulumiPath }), false);
  if (!opened) return false;
  const resources = ((await opened.stack.exportStack()).deployment as { resources?: { type?: string }[] } | undefined)?.resources ?? [];
  return resources.some((r) => r.type === LAB_TYPES.lab);
}
