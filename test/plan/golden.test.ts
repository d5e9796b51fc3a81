/**
 * A golden plan per cluster stack: what a person reviews in a diff when a planner changes — the kind
 * config, the lab network, the CNI install (objects, charts with their values), every object `up`
 * applies, the images and the probe table with each expected outcome. A change to any of them fails
 * here until the golden file is updated on purpose (`npx vitest run test/plan/golden.test.ts -u`) and
 * the diff is read. CI never writes them (vitest does not write snapshots when CI is set).
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { K8sObject } from "../../backends";
import { planLab, type LabPlan } from "../../plan";
import { manifestObjectRefs } from "../../plan/manifest";
import { portOf } from "../../verdict/render";
import { clusterStackNames, loadStack } from "../helpers/stacks";

const objectLine = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

function render(stack: string, plan: LabPlan): string {
  const section = (title: string, lines: readonly string[]) => [`## ${title}`, ...(lines.length ? lines : ["(none)"]), ""];
  return [
    `# ${stack}: golden plan — update on purpose (vitest -u) and review the diff`,
    "",
    ...section("kind config", plan.kindConfigYaml.trimEnd().split("\n")),
    ...section("docker network", [`${plan.network.name} ${plan.network.subnet} gateway ${plan.network.gateway}`]),
    ...section("cni objects", plan.cni.objects.map(objectLine)),
    ...section(
      "cni charts",
      [
        ...plan.cni.charts.flatMap((c) => [`${c.releaseName}: ${c.chart}@${c.version} from ${c.repo} in ${c.namespace}`, ...stringify(c.values, { sortMapEntries: true }).trimEnd().split("\n").map((l) => `  ${l}`)]),
        // Only stacks with patches list them, so the other golden files stay as they were.
        ...(plan.cni.patches ?? []).flatMap((o) => [`patch ${objectLine(o)}:`, ...stringify(o, { sortMapEntries: true }).trimEnd().split("\n").map((l) => `  ${l}`)]),
      ],
    ),
    // Only where the backend applies an upstream manifest (canal), so the other golden files stay as they were.
    ...(plan.cni.manifests
      ? section(
          "cni manifests",
          plan.cni.manifests.flatMap((m) => [
            `${m.pin.name} ${m.pin.version} from ${m.pin.url} sha256 ${m.pin.sha256}`,
            ...Object.entries(m.settings).map(([k, v]) => `  set ${k}: ${JSON.stringify(v)}`),
            ...Object.entries(m.images).map(([named, run]) => `  image ${named} runs ${run}`),
            ...manifestObjectRefs(m).map((o) => `  ${objectLine(o)}`),
          ]),
        )
      : []),
    ...section("readiness", plan.readiness.map(objectLine)),
    ...section("namespaces", plan.namespaces.map(objectLine)),
    ...section("workloads", plan.workloads.map(objectLine)),
    ...section("policies", plan.policies.map(objectLine)),
    ...section("health", plan.healthObjects.map(objectLine)),
    ...section("images", plan.images.map((i) => (i.run === i.pinned ? i.pinned : `${i.pinned} → ${i.run}`))),
    ...section(
      "probes",
      plan.assertions.probes.map((p) => `${p.group}: ${p.client} → ${p.toLabel} ${portOf(p)} expect ${p.expect}`),
    ),
  ].join("\n");
}

describe("golden plans", () => {
  for (const stack of clusterStackNames()) {
    it(`${stack} plans as its golden file says`, async () => {
      await expect(render(stack, planLab(await loadStack(stack)))).toMatchFileSnapshot(`./golden/${stack}.txt`);
    });
  }
});
