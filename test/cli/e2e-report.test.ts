/**
 * The plain-data parts of e2e: which pods and Jobs are collected after a failure, the commands that
 * collect them, and the summary table.
 */
import { describe, expect, it } from "vitest";
import { failingJobs, failingPods, kubectlStep, nodeSteps, objectSteps } from "../../cli/e2e-diagnostics";
import type { PhaseResult } from "../../cli/e2e-phases";
import { renderSummaryMarkdown, type E2eSummary } from "../../cli/e2e-summary";

const pod = (name: string, phase: string, containers: { ready?: boolean; restartCount?: number }[] = [], init: { restartCount?: number }[] = []) => ({
  metadata: { namespace: "ns", name },
  status: { phase, containerStatuses: containers, initContainerStatuses: init },
});

describe("failingPods", () => {
  it("picks what is not fine: not running, not ready, or restarted; a finished pod is fine", () => {
    const list = {
      items: [
        pod("fine", "Running", [{ ready: true, restartCount: 0 }]),
        pod("done", "Succeeded", [{ ready: false, restartCount: 0 }]),
        pod("pending", "Pending", []),
        pod("failed", "Failed", [{ ready: false }]),
        pod("not-ready", "Running", [{ ready: true }, { ready: false }]),
        pod("crash-looping", "Running", [{ ready: true, restartCount: 3 }]),
        pod("init-restarted", "Running", [{ ready: true }], [{ restartCount: 1 }]),
        { metadata: { name: "no-status" } },
      ],
    };
    expect(failingPods(list)).toEqual([
      { namespace: "ns", name: "pending", restarted: false },
      { namespace: "ns", name: "failed", restarted: false },
      { namespace: "ns", name: "not-ready", restarted: false },
      { namespace: "ns", name: "crash-looping", restarted: true },
      { namespace: "ns", name: "init-restarted", restarted: true },
      { namespace: "default", name: "no-status", restarted: false },
    ]);
    expect(failingPods({})).toEqual([]);
  });
});

describe("failingJobs", () => {
  it("picks every Job without a Complete=True condition", () => {
    const job = (name: string, conditions?: { type: string; status: string }[]) => ({ metadata: { namespace: "kube-system", name }, status: { conditions } });
    expect(
      failingJobs({
        items: [
          job("complete", [{ type: "Complete", status: "True" }]),
          job("failed", [{ type: "Failed", status: "True" }]),
          job("running"),
          job("not-yet", [{ type: "Complete", status: "False" }]),
        ],
      }).map((j) => j.name),
    ).toEqual(["failed", "running", "not-yet"]);
  });
});

describe("the collecting commands", () => {
  const k = kubectlStep("/usr/bin/kubectl", "/tmp/kc");
  it("describe and logs per pod (the previous run's only after a restart) and per Job, each request bounded", () => {
    const steps = objectSteps(k, [{ namespace: "a", name: "p", restarted: true }, { namespace: "a", name: "q", restarted: false }], [{ namespace: "b", name: "j" }]);
    const base = ["--kubeconfig", "/tmp/kc", "--request-timeout=30s"];
    const logs = ["--all-containers", "--prefix", "--timestamps"];
    expect(steps).toEqual([
      { file: "pods/a.p.describe.txt", command: "/usr/bin/kubectl", args: [...base, "describe", "pod", "-n", "a", "p"] },
      { file: "pods/a.p.log", command: "/usr/bin/kubectl", args: [...base, "logs", "-n", "a", "p", ...logs] },
      { file: "pods/a.p.previous.log", command: "/usr/bin/kubectl", args: [...base, "logs", "-n", "a", "p", "--previous", ...logs] },
      { file: "pods/a.q.describe.txt", command: "/usr/bin/kubectl", args: [...base, "describe", "pod", "-n", "a", "q"] },
      { file: "pods/a.q.log", command: "/usr/bin/kubectl", args: [...base, "logs", "-n", "a", "q", ...logs] },
      { file: "jobs/b.j.describe.txt", command: "/usr/bin/kubectl", args: [...base, "describe", "job", "-n", "b", "j"] },
      { file: "jobs/b.j.log", command: "/usr/bin/kubectl", args: [...base, "logs", "-n", "b", "job/j", ...logs] },
    ]);
  });

  it("routes and links of each node through docker exec", () => {
    expect(nodeSteps("docker", ["c-control-plane"])).toEqual([
      { file: "nodes/c-control-plane.ip-route.txt", command: "docker", args: ["exec", "c-control-plane", "ip", "route"] },
      { file: "nodes/c-control-plane.ip-link.txt", command: "docker", args: ["exec", "c-control-plane", "ip", "-d", "link"] },
    ]);
  });
});

describe("renderSummaryMarkdown", () => {
  const phases = (failAt?: string, note?: string): PhaseResult[] =>
    (["doctor", "cluster", "cni", "workloads", "assertions", "verify", "down"] as const).map((phase, i, all) => {
      const at = failAt ? all.indexOf(failAt as (typeof all)[number]) : all.length;
      if (phase === "down") return { phase, status: "pass", seconds: 12 };
      if (i < at) return { phase, status: "pass", seconds: i + 0.5 };
      if (i === at) return { phase, status: "fail", seconds: 600, ...(note ? { note } : {}) };
      return { phase, status: "not-run" };
    });
  const summary: E2eSummary = {
    ok: false,
    startedAt: "2026-11-30T04:17:00.000Z",
    finishedAt: "2026-11-30T04:40:00.000Z",
    stacks: [
      { stack: "kindnet", ok: true, phases: phases(), dir: "kindnet", diagnostics: [] },
      { stack: "calico-ipip", ok: false, phases: phases("cni", "cnilab-cni-ready | timed out\nafter 600 s"), dir: "calico-ipip", diagnostics: ["events.txt", "index.txt"] },
    ],
  };

  it("one row per stack, one column per phase, the failures listed with where their diagnostics are", () => {
    expect(renderSummaryMarkdown(summary)).toBe(
      [
        "# cnilab e2e: 1 of 2 stacks passed",
        "",
        "2026-11-30T04:17:00.000Z – 2026-11-30T04:40:00.000Z",
        "",
        "| stack | doctor | cluster | cni | workloads | assertions | verify | down | total |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        "| kindnet | pass 0.5 s | pass 1.5 s | pass 2.5 s | pass 3.5 s | pass 4.5 s | pass 5.5 s | pass 12.0 s | 30.0 s |",
        "| calico-ipip | pass 0.5 s | pass 1.5 s | **FAIL** 600.0 s | – | – | – | pass 12.0 s | 614.0 s |",
        "",
        "## Failures",
        "",
        "- **calico-ipip** cni: cnilab-cni-ready \\| timed out after 600 s — collected in `calico-ipip` (2 files)",
        "",
      ].join("\n"),
    );
  });
});
