/**
 * `cnilab e2e` against the fake pulumi, kind, docker and kubectl: a passing run's summary, a failing
 * phase with its diagnostics collected before down removes the cluster, --keep, a failed doctor, and
 * bad usage. Seconds are checked for shape only (timings belong to `npm run bench`).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LabCommandDeps } from "../../cli/deps";
import { runE2e } from "../../cli/e2e";
import { E2E_PHASES, PHASE_MILESTONES } from "../../cli/e2e-phases";
import { main, topLevelHelp } from "../../cli/main";
import type { E2eSummary } from "../../cli/e2e-summary";
import type { JobLogs } from "../../cli/job-logs";
import type { AssertionsOutput } from "../../plan/outputs";
import { installFakes, REPO_ROOT, type FakeConfig, type FakeMachine } from "./fakes/install";
import { HEALTHY, makeRoot } from "./fakes/root";
import { captureIo, withoutWarnings } from "./io";

const STACK = "flannel-vxlan";
const CLUSTER = "cnilab-flannel-vxlan";
const LAB = "cnilab:lab:Lab";

const assertions: AssertionsOutput = {
  probes: [
    { id: "access-nginx/demo-nginx-80-tcp-pod", group: "access-nginx", client: "demo", toLabel: "default/nginx", to: "10.244.1.9", port: 80, protocol: "tcp", expect: "connected", why: "allowed by access-nginx ingress[0].from[0]", basis: { kind: "policy", verdict: "allowed", notEnforced: [] } },
  ],
  skipped: [],
  jobs: [{ client: "demo", namespace: "default", name: "cnilab-probe-demo" }],
};
const probeLine = (outcome: string) => `${JSON.stringify({ id: "access-nginx/demo-nginx-80-tcp-pod", ok: outcome === "connected", outcome, latencyMs: 3, attempts: 1 })}\n`;
const asExpected: JobLogs = { demo: { text: probeLine("connected") } };
const blocked: JobLogs = { demo: { text: probeLine("timeout") } };

/** A few resources of each phase, under the components the real program registers them in. */
const program: NonNullable<FakeConfig["program"]> = {
  resources: [
    { type: LAB, name: CLUSTER, custom: false },
    // With what the state records of them (their Docker and kind names: down removes what it recorded).
    { type: "pulumi-nodejs:dynamic/cnilab:DockerNetwork", name: `${CLUSTER}-cluster-network`, custom: true, parents: [LAB, "cnilab:cluster:KindCluster"], outputs: { name: CLUSTER } },
    {
      type: "pulumi-nodejs:dynamic/cnilab:KindCluster",
      name: `${CLUSTER}-cluster-kind`,
      custom: true,
      parents: [LAB, "cnilab:cluster:KindCluster"],
      outputs: { clusterName: CLUSTER, network: CLUSTER },
    },
    { type: "pulumi:providers:kubernetes", name: `${CLUSTER}-k8s`, custom: true, parents: [LAB] },
    { type: "kubernetes:helm.sh/v3:Release", name: `${CLUSTER}-cni-flannel`, custom: true, parents: [LAB, "cnilab:cni:Cni"] },
    { type: "kubernetes:batch/v1:Job", name: `${CLUSTER}-cni-ready`, custom: true, parents: [LAB, "cnilab:cni:Cni"] },
    { type: "kubernetes:apps/v1:Deployment", name: `${CLUSTER}-workloads-nginx`, custom: true, parents: [LAB, "cnilab:workloads:Workloads"] },
    { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: `${CLUSTER}-policies-deny`, custom: true, parents: [LAB, "cnilab:policy:Policies"] },
    { type: "kubernetes:batch/v1:Job", name: `${CLUSTER}-assertions-demo`, custom: true, parents: [LAB, "cnilab:assertions:Assertions"] },
  ],
  outputs: { kubeconfig: { value: "apiVersion: v1\nkind: Config\n", secret: true }, assertions: { value: assertions, secret: false } },
};

/** What kubectl reports of the cluster: the readiness pod crash-looping, its Job not complete, the rest fine. */
const cluster: NonNullable<FakeConfig["cluster"]> = {
  pods: [
    { metadata: { namespace: "kube-system", name: "cnilab-cni-ready-x7k2p" }, status: { phase: "Running", containerStatuses: [{ ready: false, restartCount: 4 }] } },
    { metadata: { namespace: "kube-flannel", name: "kube-flannel-ds-abcde" }, status: { phase: "Running", containerStatuses: [{ ready: true, restartCount: 0 }] } },
    { metadata: { namespace: "default", name: "cnilab-probe-demo-q9z" }, status: { phase: "Succeeded", containerStatuses: [{ ready: false, restartCount: 0 }] } },
  ],
  jobs: [
    { metadata: { namespace: "kube-system", name: "cnilab-cni-ready" }, status: { conditions: [{ type: "Failed", status: "True" }] } },
    { metadata: { namespace: "default", name: "cnilab-probe-demo" }, status: { conditions: [{ type: "Complete", status: "True" }] } },
  ],
};

// Each run starts the fake pulumi a dozen times (up, verify, destroy): bounded well above that.
describe("cnilab e2e", { timeout: 120_000 }, () => {
  let m: FakeMachine;
  let deps: LabCommandDeps;
  let out: string;
  const run = async (argv: string[], logs: JobLogs = asExpected) => {
    const io = captureIo(m.env, m.dir);
    const code = await runE2e([...argv, "--out", out], io, { ...deps, host: { ...deps.host, env: io.env }, readLogs: async () => logs });
    return { code, out: io.out(), err: io.err() };
  };
  const summary = () => JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as E2eSummary;
  const statuses = () => Object.fromEntries(summary().stacks[0]!.phases.map((p) => [p.phase, p.status]));
  const stackDir = (...parts: string[]) => join(out, STACK, ...parts);
  const destroys = () => m.calls("pulumi").filter((c) => c.argv[0] === "destroy").length;

  beforeEach(() => {
    m = installFakes(["pulumi", "docker", "kind", "kubectl"]);
    m.configure({ program, cluster });
    out = join(m.dir, "e2e-out");
    deps = { host: m.host(makeRoot(HEALTHY)), root: m.project, tty: false };
  });
  afterEach(() => m.cleanup());

  it("a passing run: every phase passes with its seconds, a summary in Markdown and JSON, nothing collected", async () => {
    const r = await run([STACK]);
    expect(withoutWarnings(r.err, "e2e")).toBe("");
    expect(r.code).toBe(0);
    const s = summary();
    expect(s.ok).toBe(true);
    expect(s.stacks.map((x) => x.stack)).toEqual([STACK]);
    const phases = s.stacks[0]!.phases;
    expect(phases.map((p) => [p.phase, p.status])).toEqual(E2E_PHASES.map((p) => [p, "pass"]));
    for (const p of phases) expect(p.seconds).toBeGreaterThanOrEqual(0);
    expect(s.stacks[0]!.diagnostics).toEqual([]);
    expect(readdirSync(stackDir()).sort()).toEqual(["run.log", "verify.junit.xml"]);

    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md).toContain("# cnilab e2e: 1 of 1 stacks passed");
    expect(md).toContain(`| stack | ${E2E_PHASES.join(" | ")} | total |`);
    expect(md).toMatch(new RegExp(`\\| ${STACK} (\\| pass \\d+\\.\\d s ){7}\\| \\d+\\.\\d s \\|`));
    // Progress while it runs, and the same lines in the stack's log.
    expect(r.out).toContain(`== cnilab e2e 1/1: ${STACK}`);
    expect(r.out).toMatch(/\[e2e flannel-vxlan\] cni: pass \(\d+\.\d s\)/);
    expect(r.out).toMatch(/\] 7\/\d+ created kubernetes:batch\/v1:Job/);
    const log = readFileSync(stackDir("run.log"), "utf8");
    expect(log).toContain("[e2e flannel-vxlan] verify: pass");
    // The whole doctor table, passed checks included, for whoever reads the log later.
    expect(log).toMatch(/\npass {2}docker +Docker /);
    expect(log).toContain("Pulumi: destroyed stack flannel-vxlan");
    expect(destroys()).toBe(1);
  });

  it("up failing in the CNI phase: diagnostics collected from the cluster before down removes it, exit 1", async () => {
    m.addCluster(CLUSTER); // what kind had made before the readiness Job failed
    m.configure({ failUpAfter: 5 }); // the Lab, network, kind cluster, provider and Helm release; then the readiness Job
    const r = await run([STACK]);
    expect(r.code).toBe(1);
    expect(statuses()).toEqual({ doctor: "pass", cluster: "pass", cni: "fail", workloads: "not-run", assertions: "not-run", verify: "not-run", down: "pass" });
    const cni = summary().stacks[0]!.phases.find((p) => p.phase === "cni")!;
    expect(cni.note).toBe(`${CLUSTER}-cni-ready: creating ${CLUSTER}-cni-ready failed: fake failure`);

    const read = (...p: string[]) => readFileSync(stackDir(...p), "utf8");
    expect(read("events.txt")).toContain("Back-off restarting failed container");
    expect(read("pods.txt")).toContain("cnilab-cni-ready-x7k2p");
    // Only what is not fine: the crash-looping pod (with its previous run) and the failed Job.
    expect(readdirSync(stackDir("pods")).sort()).toEqual([
      "kube-system.cnilab-cni-ready-x7k2p.describe.txt",
      "kube-system.cnilab-cni-ready-x7k2p.log",
      "kube-system.cnilab-cni-ready-x7k2p.previous.log",
    ]);
    expect(read("pods", "kube-system.cnilab-cni-ready-x7k2p.describe.txt")).toContain("Name:         cnilab-cni-ready-x7k2p");
    expect(readdirSync(stackDir("jobs")).sort()).toEqual(["kube-system.cnilab-cni-ready.describe.txt", "kube-system.cnilab-cni-ready.log"]);
    expect(read("jobs", "kube-system.cnilab-cni-ready.log")).toContain("NOT READY: the flannel DaemonSet");
    for (const node of [`${CLUSTER}-control-plane`, `${CLUSTER}-worker`, `${CLUSTER}-worker2`]) {
      expect(read("nodes", `${node}.ip-route.txt`)).toContain("10.244.1.0/24 via 172.30.2.3 dev eth0");
      expect(read("nodes", `${node}.ip-link.txt`)).toContain("vxlan id 1 dstport 8472");
      expect(existsSync(stackDir("kind-logs", node, "journal.log"))).toBe(true);
    }
    expect(read("index.txt")).toContain("failing pods: kube-system/cnilab-cni-ready-x7k2p; Jobs not complete: kube-system/cnilab-cni-ready");
    expect(summary().stacks[0]!.diagnostics).toContain("nodes/cnilab-flannel-vxlan-worker.ip-route.txt");
    // The kubeconfig (the cluster admin's key) was a temp file: gone, and never in the output folder.
    const kubeconfigs = new Set(m.calls("kubectl").map((c) => c.argv[c.argv.indexOf("--kubeconfig") + 1]!));
    expect(kubeconfigs.size).toBe(1);
    for (const file of kubeconfigs) expect(existsSync(file)).toBe(false);
    expect(read("index.txt")).not.toContain("fake kind kubeconfig");
    // Collected first, then removed.
    expect(m.clusters()).toEqual([]);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/- \*\*flannel-vxlan\*\* cni: .*fake failure — collected in `flannel-vxlan` \(\d+ files\)/);
  });

  it("--keep after a verify mismatch: the table's failure is collected, the lab stays up", async () => {
    m.addCluster(CLUSTER);
    const r = await run([STACK, "--keep"], blocked);
    expect(r.code).toBe(1);
    expect(statuses()).toMatchObject({ assertions: "pass", verify: "fail", down: "skipped" });
    expect(r.out).toContain("1 mismatch");
    expect(existsSync(stackDir("events.txt"))).toBe(true);
    expect(destroys()).toBe(0);
    expect(m.clusters()).toEqual([CLUSTER]);
    expect(r.out).toContain(`--keep: the lab stays up; 'cnilab down ${STACK}' removes it`);
  });

  it("without kubectl the node views are still collected and index.txt says what is missing", async () => {
    m.addCluster(CLUSTER);
    m.configure({ failUpAfter: 5 });
    const io = captureIo({ ...m.env }, m.dir);
    rmSync(join(m.bin, "kubectl"));
    const code = await runE2e([STACK, "--out", out], io, { ...deps, readLogs: async () => asExpected });
    expect(code).toBe(1);
    expect(readFileSync(stackDir("index.txt"), "utf8")).toContain("kubectl is not on PATH: events, describe and logs not collected");
    expect(existsSync(stackDir("nodes", `${CLUSTER}-worker.ip-route.txt`))).toBe(true);
    expect(existsSync(stackDir("events.txt"))).toBe(false);
  });

  it("a failed doctor stops that stack before Pulumi: nothing else runs", async () => {
    m.configure({ docker: "down" });
    const r = await run([STACK]);
    expect(r.code).toBe(1);
    expect(statuses()).toEqual({ doctor: "fail", cluster: "not-run", cni: "not-run", workloads: "not-run", assertions: "not-run", verify: "not-run", down: "not-run" });
    expect(summary().stacks[0]!.phases[0]!.note).toContain("cannot reach the Docker daemon");
    // Only the doctor's own reads (`version`, `plugin ls`): nothing through the Automation API.
    expect(m.calls("pulumi").filter((c) => c.env?.PULUMI_AUTOMATION_API === "true")).toEqual([]);
  });

  it.each<[string[], string]>([
    [["docker-bridge"], "docker-bridge is a Docker-only stack; e2e runs the kind-cluster stacks"],
    [["no-such-stack"], "unknown stack 'no-such-stack'"],
    [[join(REPO_ROOT, "stacks/Pulumi.kindnet.yaml")], "e2e runs stacks from stacks/ by name"],
  ])("bad usage %j is refused before anything runs", async (argv, message) => {
    const io = captureIo(m.env, m.project);
    await expect(runE2e(argv, io, deps)).rejects.toThrow(message);
    expect(m.calls()).toEqual([]);
  });
});

describe("cnilab e2e --help", () => {
  it("is listed, and its help names every phase with what ends it, the files it writes and the exit status", async () => {
    expect(topLevelHelp()).toMatch(/\n {2}e2e +doctor → up → verify → down/);
    const io = captureIo({ PATH: "/nonexistent" }, REPO_ROOT);
    expect(await main(["e2e", "--help"], io)).toBe(0);
    const help = io.out();
    expect(help).toMatch(/^Usage: cnilab e2e \[stack…\] \[--keep\] \[--out DIR\]/);
    for (const phase of E2E_PHASES) expect(help).toContain(`  ${phase.padEnd(11)}${PHASE_MILESTONES[phase]}`);
    for (const file of ["summary.md", "summary.json", "<stack>/run.log", "index.txt", "kind-logs/"]) expect(help).toContain(file);
    expect(help).toContain("Exit status: 0");
    expect(help).toMatch(/\nExamples\n {2}cnilab e2e /);
  });
});
