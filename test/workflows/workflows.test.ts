/**
 * The GitHub workflows: valid against GitHub's workflow schema (action-validator, which validates
 * with SchemaStore's github-workflow schema; pinned in package.json, runs offline as WebAssembly),
 * a broken workflow is caught, and the e2e workflow stays equal to the code: its matrix is every
 * cluster stack with its backend's kernel modules, the inotify limits are the doctor's, the tools are
 * pins/tools.ts RUNNER_TOOLS, and what it uploads is where `cnilab e2e` writes.
 */
import { validateWorkflow } from "@action-validator/core";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BACKEND_FACTS } from "../../backends";
import { INOTIFY_MIN } from "../../host/resources";
import { defaultOutDir } from "../../cli/e2e";
import { RUNNER_TOOLS } from "../../pins/tools";
import { clusterStackNames, loadStack, ROOT, stackNames } from "../helpers/stacks";

const WORKFLOWS = ["ci.yml", "e2e.yml"] as const;
const text = (name: string) => readFileSync(join(ROOT, ".github/workflows", name), "utf8");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  "runs-on": string;
  env?: Record<string, string>;
  strategy?: { matrix: { include: { stack: string; modules: string }[] } };
  steps: Step[];
  container?: { image: string; options?: string };
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (name: string) => parse(text(name)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const runs = (w: Workflow) => steps(w).flatMap((s) => (s.run ? [s.run.trim()] : [])).join("\n");

describe("the workflows are valid GitHub workflows", () => {
  it.each(WORKFLOWS)("%s has no schema error", (name) => {
    expect(validateWorkflow(text(name)).errors).toEqual([]);
  });

  it.each<[string, (w: string) => string, string]>([
    ["a job without runs-on", (w) => w.replace(/^ {4}runs-on: .*\n/m, ""), "/jobs/e2e"],
    ["an unknown trigger", (w) => w.replace("workflow_dispatch:", "workflow_dispatched:"), "/on"],
    ["a step key misspelt", (w) => w.replace("        run: npm run lab -- e2e", "        runs: npm run lab -- e2e"), "/jobs/e2e"],
  ])("catches %s", (_, breakIt, path) => {
    const broken = breakIt(text("e2e.yml"));
    expect(broken).not.toBe(text("e2e.yml"));
    const { errors } = validateWorkflow(broken);
    expect(errors.map((e) => ("path" in e ? e.path : ""))).toContain(path);
  });

  it("catches YAML that does not parse", () => {
    const { errors } = validateWorkflow(`${text("ci.yml")}\n  bad: [\n`);
    expect(errors.map((e) => e.code)).toEqual(["parse_error"]);
  });
});

describe("e2e.yml follows the code", () => {
  const e2e = workflow("e2e.yml");
  const job = e2e.jobs.e2e!;

  it("runs on demand and weekly", () => {
    expect(Object.keys(e2e.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(e2e.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \d$/) }]);
  });

  it("has one job per cluster stack, loading the kernel modules its backend needs", async () => {
    const expected = await Promise.all(
      clusterStackNames().map(async (stack) => {
        const { backend } = (await loadStack(stack)).stack;
        return { stack, modules: [...BACKEND_FACTS[backend].prerequisites.kernelModules].sort().join(" ") };
      }),
    );
    const byStack = (a: { stack: string }, b: { stack: string }) => a.stack.localeCompare(b.stack);
    expect([...job.strategy!.matrix.include].sort(byStack)).toEqual(expected.sort(byStack));
    expect(job.env).toMatchObject({ STACK: "${{ matrix.stack }}", MODULES: "${{ matrix.modules }}" });
    expect(runs(e2e)).toContain("sudo modprobe -a $MODULES");
  });

  it("raises inotify to the doctor's minimum", () => {
    expect(runs(e2e)).toContain(
      `sudo sysctl -w fs.inotify.max_user_watches=${INOTIFY_MIN.max_user_watches} fs.inotify.max_user_instances=${INOTIFY_MIN.max_user_instances}`,
    );
  });

  it("installs kind, Pulumi and kubectl from pins/tools.ts, each checked against its sha256", () => {
    for (const [tool, pin] of Object.entries(RUNNER_TOOLS)) {
      const key = tool.toUpperCase();
      expect(e2e.env?.[`${key}_URL`]).toBe(pin.url);
      expect(e2e.env?.[`${key}_SHA256`]).toBe(pin.sha256);
      expect(pin.url).toContain(pin.version);
      expect(runs(e2e)).toMatch(new RegExp(`fetch "\\$${key}_URL" "[^"]+" "\\$${key}_SHA256"`));
    }
    expect(runs(e2e)).toContain(`sha256sum --check --strict -`);
  });

  it("runs cnilab e2e for the job's stack and uploads what it writes, also after a failure", () => {
    expect(runs(e2e)).toContain(`npm run lab -- e2e "$STACK"`);
    const upload = steps(e2e).find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.if).toBe("always()");
    expect(upload.with?.path).toBe(relative(ROOT, defaultOutDir(ROOT, {})));
  });

  it("pins every action by commit", () => {
    for (const w of WORKFLOWS) for (const s of steps(workflow(w))) if (s.uses) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });
});

describe("ci.yml runs what .ci/run runs", () => {
  it("as root on Debian bookworm, the README's test command through .ci/run", () => {
    const ci = workflow("ci.yml");
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    expect(ci.jobs.test!.container).toEqual({ image: "node:24-bookworm", options: "--privileged" });
    expect(runs(ci)).toBe("bash .ci/run");
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const command = /```sh\n(bash \.ci\/setup\.sh && .+)\n```/.exec(readme)![1]!;
    const ciRun = readFileSync(join(ROOT, ".ci/run"), "utf8");
    for (const part of command.split(" && npx")) expect(ciRun).toContain(part.startsWith("bash") ? part : `npx${part}`);
  });
});

describe("README: What has run for real", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## What has run for real"), readme.indexOf("## Benchmarks"));
  const rows = section.split("\n").filter((l) => l.startsWith("| `"));

  it("lists every stack exactly once", () => {
    const listed = rows.flatMap((row) => [...row.split(" | ")[0]!.matchAll(/`([\w.-]+)`/g)].map((m) => m[1]!));
    expect([...listed].sort()).toEqual(stackNames());
  });

  it("claims a real cluster run only for a stack the local suite's results table shows", () => {
    // The results table's rows name the derived stacks (local-<stack>), not backticked stack names.
    const ran = new Set([...section.matchAll(/^\| local-([\w.-]+) \|/gm)].map((m) => m[1]!));
    for (const row of rows) {
      const cluster = row.trimEnd().replace(/\|$/, "").split(" | ").at(-1)!.trim();
      const stacks = [...row.split(" | ")[0]!.matchAll(/`([\w.-]+)`/g)].map((m) => m[1]!);
      if (cluster === "no" || cluster === "–") continue;
      expect(cluster).toMatch(/^local: /);
      for (const stack of stacks) expect(ran.has(stack), `${stack} claims a local run the results table does not show`).toBe(true);
    }
  });
});
