/**
 * The migration run against a fake Pulumi stack and a fake cluster that record every call: the
 * order of verify, updates, restart, cleanup, recreation; where it stops when a step fails and what
 * it says then; and the table of what changed, from the snapshots.
 */
import * as path from "node:path";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backends";
import type { CleanupResult, MigrationCluster } from "../../cli/services/migrate-cluster";
import { recreatable } from "../../cli/services/migrate-cluster";
import { runMigration } from "../../cli/services/migrate-run";
import { loadSpec, readStackFile } from "../../labs";
import type { LabSnapshot } from "../../migrate/changes";
import { planMigration, type MigrationPlan } from "../../migrate/plan";
import { planLab } from "../../plan";
import { STACKS_DIR } from "../helpers/stacks";
import { captureIo } from "./io";

const NODES = ["cnilab-flannel-vxlan-control-plane", "cnilab-flannel-vxlan-worker"];

async function plan(to: Backend): Promise<MigrationPlan> {
  const file = path.join(STACKS_DIR, "Pulumi.flannel-vxlan.yaml");
  const raw = readStackFile(file);
  const p = planMigration({ stack: "flannel-vxlan", file: "stacks/Pulumi.flannel-vxlan.yaml", from: planLab(await loadSpec(raw, file)), to: planLab(await loadSpec({ ...raw, backend: to }, file)), podSubnet: "10.244.0.0/16" });
  if ("refused" in p) throw new Error(p.refused);
  return p;
}

/** A flannel node as perf's reader gives it before (VXLAN), a host-gw node after; pods' addresses before and after. */
function snapshot(backend: Backend, after: boolean): LabSnapshot {
  const mtu = after ? 1500 : 1450;
  return {
    backend,
    nodes: NODES.map((node, i) => ({
      node,
      devices: [
        { name: "eth0", kind: "veth", mtu: 1500 },
        ...(after ? [] : [{ name: "flannel.1", kind: "vxlan", mtu: 1450, vxlan: { id: 1, port: 8472 } }]),
        { name: "cni0", kind: "bridge", mtu },
      ],
      podInterfaces: 2,
      podMtus: [mtu],
      routes: [
        "default via 172.16.2.1 dev eth0",
        `10.244.${i}.0/24 dev cni0 proto kernel scope link src 10.244.${i}.1`,
        after ? `10.244.${1 - i}.0/24 via 172.16.2.${3 - i} dev eth0` : `10.244.${1 - i}.0/24 via 10.244.${1 - i}.0 dev flannel.1 onlink`,
      ],
    })),
    pods: [{ namespace: "deny-nginx", name: "nginx-1", ip: after ? "10.244.1.7" : "10.244.1.3" }],
  };
}

interface Fakes {
  calls: string[];
  cleanupLog?: string;
  verifyBefore?: number | string;
  /** Ctrl-C is pressed once this many calls were made. */
  ctrlCAfter?: number;
  resume?: { done: number; before?: LabSnapshot };
  /** What the run reported after each step. */
  progressed?: number[];
}

function run(p: MigrationPlan, fakes: Fakes) {
  const calls = fakes.calls;
  const outputs: OutputMap = { kubeconfig: { value: "kubeconfig", secret: true } };
  const cluster: MigrationCluster = {
    nodeNames: async () => (calls.push("nodes"), NODES),
    restartDaemonSet: async (ns, name) => void calls.push(`restart ${ns}/${name}`),
    runCleanupJobs: async (jobs) => {
      calls.push(`cleanup ${jobs.map((j) => (j.spec as { template: { spec: { nodeName: string } } }).template.spec.nodeName).join(",")}`);
      return jobs.map((j, i): CleanupResult => ({ node: NODES[i]!, job: j.metadata.name, succeeded: true, log: fakes.cleanupLog ?? "removed: vxlan device flannel.1\n" }));
    },
    recreatePods: async () => (calls.push("recreate"), ["deny-nginx/nginx-1"]),
    snapshot: async (backend) => (calls.push(`snapshot ${backend}`), snapshot(backend, backend === p.to)),
  };
  const io = captureIo();
  const done = runMigration(p, io, {
    engine: { outputs: async () => outputs, update: async (cni, replace) => (calls.push(`update ${cni} replace=${replace.length}`), outputs) },
    cluster: async () => cluster,
    verify: async (backend) => (calls.push(`verify ${backend}`), backend === p.from && fakes.verifyBefore !== undefined ? fakes.verifyBefore : 0),
    setBackend: (_file, backend) => void calls.push(`set-backend ${backend}`),
    say: () => undefined,
    interrupted: () => fakes.ctrlCAfter !== undefined && calls.length >= fakes.ctrlCAfter,
    ...(fakes.resume ? { resume: fakes.resume } : {}),
    progressed: (done) => void fakes.progressed?.push(done),
    imageMap: {},
    podSubnet: "10.244.0.0/16",
  });
  return done.then((code) => ({ code, out: io.out(), err: io.err() }));
}

describe("runMigration", () => {
  it("vxlan → host-gw: verify, backend, update, restart, cleanup on every node, recreate, update re-running the probes, verify; then what changed", async () => {
    const calls: string[] = [];
    const { code, out, err } = await run(await plan("flannel-host-gw"), { calls });
    expect([code, err]).toEqual([0, ""]);
    expect(calls).toEqual([
      "verify flannel-vxlan",
      "snapshot flannel-vxlan",
      "set-backend flannel-host-gw",
      "update installed replace=0",
      "restart kube-flannel/kube-flannel-ds",
      "nodes",
      `cleanup ${NODES.join(",")}`,
      "recreate",
      "update installed replace=18",
      "verify flannel-host-gw",
      "snapshot flannel-host-gw",
    ]);
    expect(out).toContain(`  ${NODES[1]}:\n    removed: vxlan device flannel.1\n`);
    const table = out.slice(out.indexOf("What changed"));
    expect(table).toMatch(/\* +backend +flannel-vxlan +flannel-host-gw/);
    expect(table).toMatch(new RegExp(`\\* +${NODES[0]}: devices +flannel\\.1 \\(vxlan VNI 1 port 8472, MTU 1450\\), cni0 \\(bridge, MTU 1450\\), 2 pod veths +cni0 \\(bridge, MTU 1500\\), 2 pod veths`));
    expect(table).toMatch(new RegExp(`\\* +${NODES[0]}: routes in 10\\.244\\.0\\.0/16 +10\\.244\\.0\\.0/24 dev cni0 proto kernel scope link src 10\\.244\\.0\\.1; 10\\.244\\.1\\.0/24 via 10\\.244\\.1\\.0 dev flannel\\.1 onlink +10\\.244\\.0\\.0/24 dev cni0 .*; 10\\.244\\.1\\.0/24 via 172\\.16\\.2\\.3 dev eth0`));
    expect(table).toMatch(/\* +pod IPs in deny-nginx +10\.244\.1\.3 +10\.244\.1\.7/);
    expect(table).toMatch(/\* +pod MTU \(node-side veths\) +1450 +1500/);
    expect(table).toMatch(/= +NetworkPolicy +not enforced +not enforced/);
  });

  it("flannel → calico: the CNI left out first, the backend set only after the nodes are clean", async () => {
    const calls: string[] = [];
    const { code } = await run(await plan("calico-vxlan"), { calls, cleanupLog: "removed: bridge device cni0\n" });
    expect(code).toBe(0);
    expect(calls).toEqual([
      "verify flannel-vxlan",
      "snapshot flannel-vxlan",
      "update none replace=0",
      "nodes",
      `cleanup ${NODES.join(",")}`,
      "recreate",
      "set-backend calico-vxlan",
      "update installed replace=18",
      "verify calico-vxlan",
      "snapshot calico-vxlan",
    ]);
  });

  it("a lab that fails verify before is left untouched: exit 1, nothing changed", async () => {
    const calls: string[] = [];
    const { code, err } = await run(await plan("flannel-host-gw"), { calls, verifyBefore: 1 });
    expect(code).toBe(1);
    expect(calls).toEqual(["verify flannel-vxlan", "snapshot flannel-vxlan"]);
    expect(err).toContain("step 1 (verify) failed: the lab does not behave as expected before the migration");
    expect(err).toContain("Nothing was changed.");
  });

  it("a lab that is not up: exit 2 with the reason", async () => {
    const { code, err } = await run(await plan("flannel-host-gw"), { calls: [], verifyBefore: "the stack has no assertions output: run 'cnilab up flannel-vxlan' first" });
    expect(code).toBe(2);
    expect(err).toContain("run 'cnilab up flannel-vxlan' first");
  });

  it("a cleanup that failed on a node stops before any pod is deleted, saying what is done and where the stack file is", async () => {
    const calls: string[] = [];
    const { code, out, err } = await run(await plan("flannel-host-gw"), { calls, cleanupLog: "failed: vxlan device flannel.1\n" });
    expect(code).toBe(1);
    expect(calls).not.toContain("recreate");
    expect(calls.at(-1)).toBe(`cleanup ${NODES.join(",")}`);
    expect(out).toContain("    failed: vxlan device flannel.1\n");
    expect(err).toContain(`step 5 (node-cleanup) failed: the cleanup failed on ${NODES.join(", ")}`);
    expect(err).toContain("steps 1–4 are done; the stack file says cnilab:backend flannel-host-gw");
    expect(err).toContain("run 'cnilab migrate flannel-vxlan --to flannel-host-gw' again: it goes on from step 5");
  });

  it("reports each step done, and goes on after the steps a stopped run did, with the lab it saw before", async () => {
    const progressed: number[] = [];
    await run(await plan("flannel-host-gw"), { calls: [], progressed });
    expect(progressed).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const calls: string[] = [];
    const { code, out } = await run(await plan("flannel-host-gw"), { calls, resume: { done: 4, before: snapshot("flannel-vxlan", false) } });
    expect(code).toBe(0);
    expect(calls).toEqual(["nodes", `cleanup ${NODES.join(",")}`, "recreate", "update installed replace=18", "verify flannel-host-gw", "snapshot flannel-host-gw"]);
    // "before" is the snapshot the stopped run took: the VXLAN node.
    expect(out).toMatch(/\* +pod MTU \(node-side veths\) +1450 +1500/);
  });
});

describe("Ctrl-C", () => {
  it("no step starts after it: exit 130, saying what is done", async () => {
    const calls: string[] = [];
    const { code, err } = await run(await plan("flannel-host-gw"), { calls, ctrlCAfter: 4 });
    expect(code).toBe(130);
    expect(calls).toEqual(["verify flannel-vxlan", "snapshot flannel-vxlan", "set-backend flannel-host-gw", "update installed replace=0"]);
    expect(err).toContain("step 4 (restart) stopped: cancelled with Ctrl-C before this step");
    expect(err).toContain("steps 1–3 are done; the stack file says cnilab:backend flannel-host-gw");
  });
});

describe("which pods are recreated", () => {
  const owned = (kind: string) => ({ metadata: { ownerReferences: [{ kind, controller: true, apiVersion: "v1", name: "x", uid: "u" }] }, spec: { containers: [] }, status: { phase: "Running" } });
  it.each([
    ["a ReplicaSet's pod", owned("ReplicaSet"), true],
    ["a ReplicationController's pod", owned("ReplicationController"), true],
    ["a DaemonSet's pod", owned("DaemonSet"), true],
    ["a Job's pod (it would run again: left alone)", owned("Job"), false],
    ["a bare pod (nothing would make it again)", { metadata: {}, spec: { containers: [] }, status: { phase: "Running" } }, false],
    ["a hostNetwork pod (no pod address to change)", { ...owned("DaemonSet"), spec: { containers: [], hostNetwork: true } }, false],
    ["a finished pod", { ...owned("ReplicaSet"), status: { phase: "Succeeded" } }, false],
  ])("%s: %s", (_what, pod, expected) => {
    expect(recreatable(pod as never)).toBe(expected);
  });
});
