/**
 * `cnilab verify` and the verify table at the end of `up`: stack outputs through the real Automation
 * API against the fake `pulumi`, the Jobs' logs from a stand-in reader, the report printed, saved for
 * `compare` and written as JUnit.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AssertionsOutput } from "../../plan/outputs";
import type { LabCommandDeps } from "../../cli/deps";
import type { JobLogs } from "../../cli/job-logs";
import { runUp } from "../../cli/up";
import { runVerify } from "../../cli/verify";
import { planLab } from "../../plan";
import { loadStack } from "../helpers/stacks";
import { installFakes, type FakeMachine } from "./fakes/install";
import { HEALTHY, makeRoot } from "./fakes/root";
import { captureIo } from "./io";

const STACK = "calico-ipip";
const KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: kind-cnilab-calico-ipip\n";

const assertions: AssertionsOutput = {
  probes: [
    { id: "access-nginx/demo-nginx-80-tcp-pod", group: "access-nginx", client: "demo", toLabel: "default/nginx", to: "10.244.1.9", port: 80, protocol: "tcp", expect: "connected", why: "allowed by access-nginx ingress[0].from[0]", basis: { kind: "policy", verdict: "allowed", notEnforced: [] } },
    { id: "access-nginx/prod-client-nginx-80-tcp-pod", group: "access-nginx", client: "prod-client", toLabel: "default/nginx", to: "10.244.1.9", port: 80, protocol: "tcp", expect: "timeout", why: "denied: default/nginx is selected by ingress policy access-nginx", basis: { kind: "policy", verdict: "denied", notEnforced: [] } },
  ],
  skipped: [],
  jobs: [
    { client: "demo", namespace: "default", name: "cnilab-probe-demo" },
    { client: "prod-client", namespace: "prod", name: "cnilab-probe-prod-client" },
  ],
};

const line = (id: string, outcome: string, attempts = 1) => JSON.stringify({ id, ok: outcome === "connected", outcome, latencyMs: 3, attempts });
const asExpected: JobLogs = {
  demo: { text: `${line("access-nginx/demo-nginx-80-tcp-pod", "connected")}\n` },
  "prod-client": { text: `${line("access-nginx/prod-client-nginx-80-tcp-pod", "timeout")}\n` },
};
const leaking: JobLogs = { ...asExpected, "prod-client": { text: `${line("access-nginx/prod-client-nginx-80-tcp-pod", "connected", 5)}\n` } };

describe("cnilab verify", () => {
  let m: FakeMachine;
  let deps: LabCommandDeps;
  let kubeconfigSeen: string[];
  const run = async (fn: typeof runUp, argv: string[], logs: JobLogs) => {
    const io = captureIo(m.env, m.dir);
    kubeconfigSeen = [];
    const readLogs = async (kubeconfig: string, jobs: AssertionsOutput["jobs"]) => {
      kubeconfigSeen.push(kubeconfig);
      expect(jobs).toEqual(assertions.jobs);
      return logs;
    };
    const code = await fn(argv, io, { ...deps, host: { ...deps.host, env: io.env }, readLogs });
    return { code, out: io.out(), err: io.err() };
  };

  beforeEach(async () => {
    m = installFakes();
    const plan = planLab(await loadStack(STACK));
    m.configure({
      program: {
        resources: [{ type: "cnilab:lab:Lab", name: plan.kindConfig.name, custom: false }],
        outputs: { kubeconfig: { value: KUBECONFIG, secret: true }, assertions: { value: assertions, secret: false } },
      },
    });
    deps = { host: m.host(makeRoot(HEALTHY)), root: m.project, tty: false };
  });
  afterEach(() => m.cleanup());

  it("a lab that was never brought up: exit 2 and what to run", async () => {
    const { code, err } = await run(runVerify, [STACK], asExpected);
    expect(code).toBe(2);
    expect(err).toBe(`cnilab verify: lab ${STACK} is not up (no stack in the state): run 'cnilab up ${STACK}' first\n`);
  });

  it("up ends with the verify table; verify reads the secret kubeconfig, prints, saves and writes JUnit", async () => {
    const up = await run(runUp, [STACK], asExpected);
    expect(up.code).toBe(0);
    expect(up.out).toContain("== access-nginx  80/tcp  (2/2 as expected)");
    expect(up.out).toContain("2 as expected, 0 mismatched, 0 errors, 0 skipped");

    const v = await run(runVerify, [STACK, "--junit", "out.xml"], asExpected);
    expect(v.err).toBe("");
    expect(v.code).toBe(0);
    expect(kubeconfigSeen).toEqual([KUBECONFIG]);
    const saved = join(m.project, ".cnilab/results", STACK, "verify.json");
    expect(v.out).toContain(`saved ${saved}`);
    expect(JSON.parse(readFileSync(saved, "utf8"))).toMatchObject({ stack: STACK, backend: STACK, counts: { pass: 2, mismatch: 0 } });
    expect(existsSync(join(m.dir, "out.xml"))).toBe(true);
    expect(readFileSync(join(m.dir, "out.xml"), "utf8")).toContain('<testsuite name="calico-ipip/access-nginx" tests="2" failures="0" errors="0" skipped="0">');
  });

  it("a connection that should be blocked but went through: exit 1, explained; --json is machine-readable", async () => {
    expect((await run(runUp, [STACK], leaking)).code).toBe(1);
    const v = await run(runVerify, [STACK], leaking);
    expect(v.code).toBe(1);
    expect(v.out).toContain("MISMATCH access-nginx/prod-client-nginx-80-tcp-pod: prod-client → default/nginx (10.244.1.9:80/tcp)");
    expect(v.out).toContain("expected timeout, observed connected after 5 attempt(s)");
    const j = await run(runVerify, [STACK, "--json"], leaking);
    expect(JSON.parse(j.out).counts).toEqual({ pass: 1, mismatch: 1, error: 0, skipped: 0 });
  });
});
