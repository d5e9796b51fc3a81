/**
 * `cnilab:imageMap`, `cnilab:registryMirrors` and `cnilab:chartDirs` through the Pulumi program under
 * the recording mocks: what the components register, not only what the planners return.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planImages, planLab } from "../../plan";
import { imagesIn } from "../../pins/image-map";
import { loadStack } from "../helpers/stacks";
import { DYNAMIC_TYPE, runLabStack } from "./run-stack";

const CLUSTER = "cnilab-test-image-map";

describe("the program with a full image map and a registry mirror (flannel-vxlan)", () => {
  it("every image any registered resource names is a mapped one; the cluster carries the hosts.toml for its nodes", async () => {
    const pinned = planImages(planLab(await loadStack("flannel-vxlan")));
    // Mirror references made here, not by the code under test.
    const imageMap = Object.fromEntries(pinned.map((p, i) => [p, `registry.example:5000/m${i}/${p.replace(/^.*\//, "")}`]));
    const mirrors = new Set(Object.values(imageMap));
    const { recorded } = await runLabStack("flannel-vxlan", { clusterName: CLUSTER, imageMap, registryMirrors: { "registry.example:5000": "http://172.16.2.1:5000" } });

    const named = recorded.flatMap((r) => imagesIn(r.inputs).map((image) => ({ resource: `${r.type} ${r.name}`, image })));
    // The kind node image, the CNI prerequisites, the readiness, resolver and probe Jobs, the workloads and health servers.
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !mirrors.has(n.image))).toEqual([]);
    const jobs = recorded.filter((r) => r.type === "kubernetes:batch/v1:Job");
    expect(jobs.length).toBeGreaterThan(2);
    for (const job of jobs) expect(imagesIn(job.inputs).every((i) => mirrors.has(i))).toBe(true);
    const flannel = recorded.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    expect(flannel.inputs.values.flannel.image).toEqual({ repository: imageMap["ghcr.io/flannel-io/flannel:v0.28.9"]!.replace(/:v0\.28\.9$/, ""), tag: "v0.28.9" });

    const cluster = recorded.find((r) => r.type === DYNAMIC_TYPE)!;
    expect(cluster.inputs.config).toContain('config_path = "/etc/containerd/certs.d"');
    expect(cluster.inputs.config).not.toContain("extraMounts");
    expect(cluster.inputs.registryHosts).toHaveLength(1);
    expect(cluster.inputs.registryHosts[0].host).toBe("registry.example:5000");
    expect(cluster.inputs.registryHosts[0].toml).toContain('[host."http://172.16.2.1:5000"]');
  }, 60_000);
});

describe("the program with the flannel chart from a folder (cnilab:chartDirs)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-flannel-chart-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "Chart.yaml"), "apiVersion: v1\nname: flannel\nversion: v0.28.9\n");

  it("the release names the folder as its chart, with no repository or version to fetch", async () => {
    const { recorded } = await runLabStack("flannel-vxlan", { clusterName: `${CLUSTER}-dirs`, chartDirs: { flannel: dir } });
    const release = recorded.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    expect(release.inputs.chart).toBe(dir);
    expect(release.inputs.repositoryOpts).toBeUndefined();
    expect(release.inputs.version).toBeUndefined();
    expect(release.inputs.values.podCidr).toBe("10.244.0.0/16");
  }, 60_000);
});
