/**
 * `cnilab:chartDirs`: a pinned chart installed from a local folder. Each entry is checked against the
 * folder's Chart.yaml (name and the pinned version) and against the charts the stack installs; the
 * release then names the folder and `cnilab plan --images` prints it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SpecError, parseStack } from "../../labs";
import { planCharts, planLab } from "../../plan";
import { chartDirProblems } from "../../labs/chart-dirs";
import { loadStack } from "../helpers/stacks";

const root = mkdtempSync(join(tmpdir(), "cnilab-chart-dirs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
function chartFolder(name: string, chartYaml: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Chart.yaml"), chartYaml);
  return dir;
}
const flannel = chartFolder("flannel", "apiVersion: v1\nname: flannel\nversion: v0.28.9\nappVersion: v0.28.9\n");
const older = chartFolder("older", "apiVersion: v1\nname: flannel\nversion: v0.27.0\n");

function messages(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecError) return e.message.split("\n");
    throw e;
  }
  throw new Error("expected a SpecError");
}

describe("cnilab:chartDirs", () => {
  it("installs a flannel stack's chart from the folder, and the chart list names it", async () => {
    const spec = await loadStack("flannel-vxlan");
    const plan = planLab({ ...spec, stack: { ...spec.stack, chartDirs: { flannel } } });
    expect(plan.cni.charts.map((h) => [h.chart, h.localDir])).toEqual([["flannel", flannel]]);
    expect(planCharts(plan)).toEqual([`${flannel} flannel v0.28.9`]);
  });

  it("leaves releases on their repository without the setting", async () => {
    const plan = planLab(await loadStack("flannel-vxlan"));
    expect(plan.cni.charts[0]?.localDir).toBeUndefined();
    expect(planCharts(plan)).toEqual(["https://flannel-io.github.io/flannel/ flannel v0.28.9"]);
  });

  it("refuses a folder for a chart the stack does not install, naming the ones it does", async () => {
    const spec = await loadStack("kindnet");
    expect(messages(() => planLab({ ...spec, stack: { ...spec.stack, chartDirs: { flannel } } }))).toEqual([
      `${spec.stack.source}: cnilab:chartDirs["flannel"]: this stack installs no chart 'flannel'; it installs: none`,
    ]);
  });

  it("checks each folder's Chart.yaml against the pinned chart, reporting every entry", () => {
    const problems = chartDirProblems(
      { flannel: older, "tigera-operator": "charts/tigera", calico: "/x", "crd.projectcalico.org.v1": join(root, "missing") },
      "Pulumi.x.yaml",
    ).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual([
      `cnilab:chartDirs["flannel"]: ${join(older, "Chart.yaml")} is chart flannel v0.27.0; it must be flannel v0.28.9, the version cnilab pins`,
      `cnilab:chartDirs["tigera-operator"]: 'charts/tigera' is not an absolute path; give the folder that holds Chart.yaml`,
      `cnilab:chartDirs["calico"]: 'calico' is not a chart cnilab installs; allowed: flannel, crd.projectcalico.org.v1, tigera-operator`,
      expect.stringMatching(/^cnilab:chartDirs\["crd.projectcalico.org.v1"\]: cannot read .*missing\/Chart.yaml \(ENOENT.*\); give the folder that holds the chart crd.projectcalico.org.v1 v3.32.1$/),
    ]);
  });

  it("is read from the stack file, as an object or as Pulumi's JSON text", () => {
    const raw = { lab: "netpol", backend: "flannel-vxlan" };
    expect(parseStack({ ...raw, chartDirs: { flannel } }, "Pulumi.a.yaml").chartDirs).toEqual({ flannel });
    expect(parseStack({ ...raw, chartDirs: JSON.stringify({ flannel }) }, "Pulumi.a.yaml").chartDirs).toEqual({ flannel });
    expect(messages(() => parseStack({ ...raw, chartDirs: { flannel: older } }, "Pulumi.a.yaml"))[0]).toMatch(/^Pulumi.a.yaml: cnilab:chartDirs\["flannel"\]: .* is chart flannel v0.27.0;/);
  });
});
