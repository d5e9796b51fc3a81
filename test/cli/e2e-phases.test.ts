/**
 * The phases e2e times inside `pulumi up`: which resource belongs to which phase (checked against
 * the URNs the real program registers under mocks), and the durations from engine events on a clock
 * the test moves by hand.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { upPhaseOf, UpPhaseClock, UP_PHASES, type UpPhase } from "../../cli/e2e-phases";
import { readStackFile } from "../../labs";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";
import { STACKS_DIR } from "../helpers/stacks";

const urn = (chain: string, name = "x") => `urn:pulumi:e2e::cnilab::${chain}::${name}`;

describe("upPhaseOf", () => {
  it.each<[string, UpPhase | undefined]>([
    ["cnilab:lab:Lab$cnilab:cluster:KindCluster$pulumi-nodejs:dynamic/cnilab:KindCluster", "cluster"],
    ["cnilab:lab:Lab$cnilab:cluster:KindCluster$pulumi-nodejs:dynamic/cnilab:DockerNetwork", "cluster"],
    ["cnilab:lab:Lab$cnilab:cni:Cni$kubernetes:batch/v1:Job", "cni"],
    ["cnilab:lab:Lab$cnilab:workloads:Workloads$kubernetes:apps/v1:Deployment", "workloads"],
    ["cnilab:lab:Lab$cnilab:policy:Policies$kubernetes:networking.k8s.io/v1:NetworkPolicy", "workloads"],
    ["cnilab:lab:Lab$cnilab:assertions:Assertions$kubernetes:batch/v1:Job", "assertions"],
    // The component itself and the lab's provider are bookkeeping, not a phase's work.
    ["cnilab:lab:Lab$cnilab:cni:Cni", undefined],
    ["cnilab:lab:Lab$pulumi:providers:kubernetes", undefined],
    ["pulumi:pulumi:Stack", undefined],
  ])("%s → %s", (chain, phase) => {
    expect(upPhaseOf(urn(chain))).toBe(phase);
  });
});

describe("every resource the program registers belongs to a phase", () => {
  let recorded: RecordedResource[];
  beforeAll(async () => {
    recorded = await installMocks({
      outputs: (args) => {
        if (args.type === "pulumi-nodejs:dynamic/cnilab:KindCluster") {
          return { kubeconfig: "apiVersion: v1\n", nodes: [{ name: "n-control-plane", role: "control-plane", internalIP: "172.30.9.2" }] };
        }
        if (args.type === "kubernetes:core/v1:Endpoints") return { subsets: [{ addresses: [{ ip: "10.244.1.20" }] }] };
        if (args.type === "kubernetes:core/v1:Service") return { spec: { ...(args.inputs.spec ?? {}), clusterIP: "10.96.0.77" } };
        return {};
      },
    });
    const { labProgram } = await import("../../program.js");
    const file = path.join(STACKS_DIR, "Pulumi.flannel-vxlan.yaml");
    const out = await labProgram(readStackFile(file), file);
    await Promise.all([settled(out.nodes), settled(out.assertions)]);
  }, 120_000);

  it("flannel-vxlan: each custom resource but the provider has a phase, and every phase has resources", () => {
    const custom = recorded.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(custom.filter((r) => upPhaseOf(r.urn) === undefined).map((r) => r.urn)).toEqual([]);
    const byPhase = (p: UpPhase) => custom.filter((r) => upPhaseOf(r.urn) === p).map((r) => r.type);
    expect(byPhase("cluster").sort()).toEqual(["pulumi-nodejs:dynamic/cnilab:DockerNetwork", "pulumi-nodejs:dynamic/cnilab:KindCluster"]);
    expect(byPhase("cni")).toContain("kubernetes:helm.sh/v3:Release");
    expect(byPhase("cni")).toContain("kubernetes:batch/v1:Job");
    expect(byPhase("workloads")).toContain("kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(byPhase("assertions")).toContain("kubernetes:batch/v1:Job");
  });
});

describe("UpPhaseClock", () => {
  let t = 0;
  const clock = () => new UpPhaseClock(() => t);
  const meta = (chain: string, name: string) => ({ op: "create" as const, urn: urn(chain, name), type: chain.split("$").pop()!, provider: "", new: { type: "", urn: "", custom: true, id: "", parent: "", inputs: {}, outputs: {}, provider: "" } });
  const done = (chain: string, name = "r"): EngineEvent => ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: meta(chain, name) } });
  const failed = (chain: string): EngineEvent => ({ sequence: 0, timestamp: 0, resOpFailedEvent: { metadata: meta(chain, "bad"), status: 1, steps: 1 } });
  const CLUSTER = "cnilab:lab:Lab$cnilab:cluster:KindCluster$pulumi-nodejs:dynamic/cnilab:KindCluster";
  const CNI = "cnilab:lab:Lab$cnilab:cni:Cni$kubernetes:batch/v1:Job";
  const WORKLOADS = "cnilab:lab:Lab$cnilab:workloads:Workloads$kubernetes:apps/v1:Deployment";
  const ASSERTIONS = "cnilab:lab:Lab$cnilab:assertions:Assertions$kubernetes:batch/v1:Job";

  it("a phase lasts from the end of the one before to its own last resource; the last one to the end of up", () => {
    t = 1_000;
    const c = clock();
    t = 41_000;
    c.onEvent(done(CLUSTER));
    t = 100_000;
    c.onEvent(done(CNI, "rbac"));
    t = 161_000;
    c.onEvent(done(CNI, "job"));
    // Health servers of the assertions start once the CNI is ready, alongside the workloads.
    t = 170_000;
    c.onEvent(done(ASSERTIONS, "health"));
    t = 200_500;
    c.onEvent(done(WORKLOADS));
    t = 260_000;
    c.onEvent(done(ASSERTIONS, "job"));
    t = 261_000;
    expect(c.results(true)).toEqual([
      { phase: "cluster", status: "pass", seconds: 40 },
      { phase: "cni", status: "pass", seconds: 120 },
      { phase: "workloads", status: "pass", seconds: 39.5 },
      { phase: "assertions", status: "pass", seconds: 60.5 },
    ]);
  });

  it("the phase of the resource that failed fails, until the end of up; later ones did not run", () => {
    t = 0;
    const c = clock();
    t = 30_000;
    c.onEvent(done(CLUSTER));
    t = 630_000;
    c.onEvent(failed(CNI));
    t = 631_000;
    expect(c.results(false, "job failed")).toEqual([
      { phase: "cluster", status: "pass", seconds: 30 },
      { phase: "cni", status: "fail", seconds: 601, note: "job failed" },
      { phase: "workloads", status: "not-run" },
      { phase: "assertions", status: "not-run" },
    ]);
  });

  it("a failure no resource reported (the program threw) is the first phase that finished nothing", () => {
    t = 0;
    const c = clock();
    t = 5_000;
    expect(c.results(false).map((r) => r.status)).toEqual(["fail", "not-run", "not-run", "not-run"]);
    expect(UP_PHASES).toEqual(["cluster", "cni", "workloads", "assertions"]);
  });
});
