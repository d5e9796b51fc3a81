/**
 * `cnilab workshop down` on a fake machine (fake docker, kind and pulumi: test/cli/fakes): it removes
 * the workshop's clusters, cache containers and networks — what carries its stack's labels — and the
 * participants' folders, and leaves another workshop's and a lab stack's objects alone.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runWorkshop } from "../../cli/workshop";
import { LAB_TEST_TIMEOUT_MS, type FakeMachine } from "../cli/fakes/install";
import { labMachine, type LabRun } from "../cli/fakes/lab";

const identity = (stack: string) => ({ "io.cnilab.project": "cnilab", "io.cnilab.stack": stack });

describe("cnilab workshop down", { timeout: LAB_TEST_TIMEOUT_MS }, () => {
  let m: FakeMachine;
  let run: LabRun;

  beforeEach(async () => {
    ({ m, run } = await labMachine());
  });
  afterEach(() => m.cleanup());

  it("removes what carries workshop-demo's labels, and the participants' folders; nothing of another workshop or lab", async () => {
    // What a killed `workshop up demo` left: a participant's network and cluster, a cache.
    m.addNetwork("demo-p1", "172.16.128.0/24", identity("workshop-demo"));
    m.addCluster("demo-p1", "demo-p1");
    m.addContainer("cnilab-cache-demo-local-docker-io", identity("workshop-demo"));
    // Another workshop's, and a lab stack's.
    m.addNetwork("other-p1", "172.16.200.0/24", identity("workshop-other"));
    m.addCluster("other-p1", "other-p1");
    m.addContainer("cnilab-cache-other-local-docker-io", identity("workshop-other"));
    m.addNetwork("cnilab-kindnet", "172.16.1.0/24", identity("kindnet"));
    const folder = join(m.project, ".cnilab", "workshops", "demo", "p1");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "kubeconfig"), "x");

    const down = await run(runWorkshop, ["down", "demo"]);
    expect([down.code, down.err]).toEqual([0, ""]);
    expect(down.out).toContain("Removed the leftover kind cluster demo-p1.");
    expect(down.out).toContain("Removed the leftover Docker container cnilab-cache-demo-local-docker-io.");
    expect(down.out).toContain("Removed the leftover Docker network demo-p1.");
    expect(down.out).toContain("Removed the participants' folders (kubeconfig, handout) of p1.");
    expect(m.clusters()).toEqual(["other-p1"]);
    expect(m.containers()).toEqual(["cnilab-cache-other-local-docker-io"]);
    expect(m.networks()).toEqual(["cnilab-kindnet", "other-p1"]);
    expect(existsSync(folder)).toBe(false);
  });
});
