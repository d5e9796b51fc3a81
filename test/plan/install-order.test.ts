/**
 * Every custom resource a stack creates (or waits on) has its CRD installed by an earlier step, and the
 * chart facts say what each pinned chart ships and renders. The expected values are read from the
 * charts at their pinned tags (projectcalico/calico v3.32.1, flannel-io/flannel v0.28.9), not from the
 * code under test.
 */
import { describe, expect, it } from "vitest";
import { planImages, planLab, type LabPlan } from "../../plan";
import { CHART_FACTS, chartFacts } from "../../pins/chart-facts";
import { installSteps, missingCrds } from "../helpers/install-order";
import { labResources } from "../../plan/resources";
import { CALICO_CHART, CALICO_CRDS_CHART } from "../../pins";
import { clusterStackNames, loadStack } from "../helpers/stacks";

const withCharts = (plan: LabPlan, charts: LabPlan["cni"]["charts"]): LabPlan => ({ ...plan, cni: { ...plan.cni, charts } });

describe.each(clusterStackNames())("install order of stack %s", (name) => {
  it("every custom resource and every wait on one comes after its CRD", async () => {
    const plan = planLab(await loadStack(name));
    expect(missingCrds(installSteps(plan))).toEqual([]);
  });

  it("the steps are in the order the resource list registers them: CNI objects, each chart, the readiness Job, the lab", async () => {
    const plan = planLab(await loadStack(name));
    const list = labResources(plan);
    const at = (type: string, test: (name: string) => boolean) => list.findIndex((r) => r.type === type && test(r.name));
    const order = [
      ...(plan.cni.objects.length > 0 ? [list.findIndex((r) => r.parent === "lab-cni")] : []),
      ...plan.cni.charts.map((h) => at("kubernetes:helm.sh/v3:Release", (n) => n === `lab-cni-${h.releaseName}`)),
      at("kubernetes:batch/v1:Job", (n) => n === "lab-cni-job-kube-system-cnilab-cni-ready"),
      list.findIndex((r) => r.parent === "lab-workloads"),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it("every chart has facts at its pinned version, and its images are in the image list", async () => {
    const spec = await loadStack(name);
    const plan = planLab(spec);
    const images = planImages(plan);
    for (const h of plan.cni.charts) {
      for (const i of chartFacts(h.chart, h.version).images) expect(images).toContain(i.ref);
    }
  });
});

describe("calico: the operator chart's CRDs", () => {
  it("the operator chart alone (as before v3.32 split the CRDs out) leaves the Installation and the readiness wait without a CRD", async () => {
    const plan = planLab(await loadStack("calico-ipip"));
    const operatorOnly = withCharts(plan, plan.cni.charts.filter((c) => c.chart === "tigera-operator"));
    expect(missingCrds(installSteps(operatorOnly))).toEqual([
      "Helm chart tigera-operator v3.32.1 creates Installation 'default' (operator.tigera.io/v1), but no earlier step installs its CRD",
      "readiness Job waits on TigeraStatus 'calico' (operator.tigera.io/v1), but no earlier step installs its CRD",
    ]);
  });

  it("the CRDs chart must come first: swapped, the Installation has no CRD yet", async () => {
    const plan = planLab(await loadStack("calico-vxlan"));
    const swapped = withCharts(plan, [...plan.cni.charts].reverse());
    expect(missingCrds(installSteps(swapped))).toEqual([
      "Helm chart tigera-operator v3.32.1 creates Installation 'default' (operator.tigera.io/v1), but no earlier step installs its CRD",
    ]);
  });

  it("installs crd.projectcalico.org.v1 at the operator chart's version from the same repository, and Helm waits for it", async () => {
    for (const name of ["calico-ipip", "calico-vxlan", "calico-bgp", "calico-ipip-universe"]) {
      const charts = planLab(await loadStack(name)).cni.charts;
      expect(charts.map((c) => [c.releaseName, c.chart, c.version, c.repo, c.wait])).toEqual([
        ["calico-crds", "crd.projectcalico.org.v1", "v3.32.1", "https://docs.tigera.io/calico/charts", true],
        ["calico", "tigera-operator", "v3.32.1", "https://docs.tigera.io/calico/charts", false],
      ]);
    }
    expect(CALICO_CRDS_CHART.version).toBe(CALICO_CHART.version);
  });
});

describe("chart facts", () => {
  it("tigera-operator v3.32.1 ships no CRDs and renders one object per enabled section (chart defaults: all four)", () => {
    const facts = chartFacts("tigera-operator", "v3.32.1");
    expect(facts.crds).toEqual([]);
    expect(facts.renders({}).map((r) => r.kind)).toEqual(["Installation", "APIServer", "Goldmane", "Whisker"]);
    const ours = { installation: { enabled: true }, apiServer: { enabled: false }, goldmane: { enabled: false }, whisker: { enabled: false } };
    expect(facts.renders(ours)).toEqual([{ apiVersion: "operator.tigera.io/v1", kind: "Installation", name: "default", template: "templates/crs/custom-resources.yaml" }]);
    expect(facts.renders({ ...ours, defaultFelixConfiguration: { enabled: true } }).map((r) => `${r.apiVersion} ${r.kind}`)).toContain(
      "crd.projectcalico.org/v1 FelixConfiguration",
    );
  });

  it("crd.projectcalico.org.v1 v3.32.1 ships the 9 operator.tigera.io and 22 crd.projectcalico.org CRDs (and ClusterNetworkPolicy)", () => {
    const crds = chartFacts("crd.projectcalico.org.v1", "v3.32.1").crds;
    const byGroup = (g: string) => crds.filter((c) => c.group === g).length;
    expect([byGroup("operator.tigera.io"), byGroup("crd.projectcalico.org"), byGroup("policy.networking.k8s.io")]).toEqual([9, 22, 1]);
    expect(crds.map((c) => c.name)).toEqual(expect.arrayContaining(["installations.operator.tigera.io", "tigerastatuses.operator.tigera.io", "ippools.crd.projectcalico.org"]));
    expect(new Set(crds.map((c) => c.name)).size).toBe(crds.length);
  });

  it("flannel v0.28.9 ships no CRDs, renders no custom resource, and deploys two images by tag (no digest in the chart)", () => {
    const facts = chartFacts("flannel", "v0.28.9");
    expect([facts.crds, facts.renders({ podCidr: "10.244.0.0/16" })]).toEqual([[], []]);
    expect(facts.images.map((i) => [i.ref, i.digest])).toEqual([
      ["ghcr.io/flannel-io/flannel:v0.28.9", undefined],
      ["ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3", undefined],
    ]);
  });

  it("every fact row names its source at a tag; an unknown chart version is an error naming the known ones", () => {
    for (const f of CHART_FACTS) expect(f.source).toMatch(new RegExp(`^[\\w-]+/[\\w-]+ .* at v\\d`));
    expect(() => chartFacts("tigera-operator", "v3.31.4")).toThrow(
      "no chart facts for tigera-operator v3.31.4 (known: flannel v0.28.9, crd.projectcalico.org.v1 v3.32.1, tigera-operator v3.32.1); read the chart at that tag and add them to pins/chart-facts.ts",
    );
  });
});
