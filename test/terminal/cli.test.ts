/**
 * The terminal's cnilab as the image carries it: the build context written once (terminal/image.ts),
 * its bundle run for real as a child process (`node <context>/cli/cnilab.js …`, what the `cnilab`
 * wrapper execs), its live check run against a Kubernetes API stand-in with the bundled probe
 * program, and every written file read to show no reference solution reaches a participant.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDeepStrictEqual } from "node:util";
import { parse, parseAllDocuments, stringify } from "yaml";
import { main } from "../../cli/main";
import { runToExit } from "../../cli/exit";
import { runTerminalCheck } from "../../cli/terminal-check";
import { listExercises, loadExercise, loadExerciseTask } from "../../labs/exercise";
import { listLabs } from "../../labs/lab";
import { terminalContextText } from "../../terminal/context";
import { writeTerminalImageContext } from "../../terminal/image";
import { TERMINAL_CLI_FILES } from "../../terminal/plan";
import { IMAGES } from "../../pins";
import { ROOT } from "../helpers/stacks";
import { startCheckApi } from "../exercises/check-api";
import { captureIo } from "../cli/io";

let dir: string;
let context: string;
let cli: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cnilab-terminal-cli-"));
  context = writeTerminalImageContext(join(dir, "image"));
  cli = join(context, "cli");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bundle run as the wrapper runs it, bounded; its own state folder per call site. */
function cnilab(state: string, env: NodeJS.ProcessEnv, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(cli, TERMINAL_CLI_FILES.bundle), ...argv], { cwd: dir, timeout: 60_000, env: { PATH: process.env.PATH, HOME: dir, CNILAB_STATE: join(dir, state), ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, out: stdout, err: stderr }),
    );
  });
}

const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** The participant's policy for deny-nginx, from its goal: nginx (app=nginx in default) selected for ingress, no rule. */
const DENY_NGINX = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "isolate-nginx", namespace: "default" }, spec: { podSelector: { matchLabels: { app: "nginx" } }, policyTypes: ["Ingress"] } };

describe("the terminal's cnilab, bundled", () => {
  it("--help lists verify, check and policy alone and says it is the terminal's read-only cnilab", async () => {
    const r = await cnilab("help", {}, "--help");
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toMatch(/^cnilab in your workshop terminal — read-only/);
    expect([...r.out.matchAll(/^ {2}(\S+) {2}/gm)].map((m) => m[1])).toEqual(["verify", "check", "policy"]);
    expect(r.out).toContain("up, down and workshop run on the instructor's machine");
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    expect(await cnilab("help", {}, "--version")).toEqual({ code: 0, out: `cnilab ${version}\n`, err: "" });
  });

  it("an instructor's command is unknown here, with the ones there are", async () => {
    expect(await cnilab("up", {}, "up", "workshop-demo")).toEqual({ code: 2, out: "", err: "cnilab: unknown command 'up'; commands: verify, check, policy\n" });
  });

  it("policy matrix over a lab file prints what the main cnilab prints", async () => {
    const lab = join(ROOT, "labs", "netpol.yaml");
    const io = captureIo({}, dir);
    const code = await main(["policy", "matrix", "-f", lab, "--port", "80"], io);
    const r = await cnilab("matrix", {}, "policy", "matrix", "-f", lab, "--port", "80");
    expect(r).toEqual({ code, out: io.out(), err: io.err() });
    expect(r.out).toMatch(/^80\/TCP {2}\(rows: from, columns: to; \. allowed, X denied\)\n/);
  });

  it("check --list: every exercise with its title", async () => {
    const r = await cnilab("list", {}, "check", "--list");
    expect(r.code).toBe(0);
    expect(r.out.split("\n").filter(Boolean).map((l) => l.split(/ +/)[0])).toEqual(listExercises());
    expect(r.out).toMatch(/^deny-nginx +Nothing may connect to nginx$/m);
  });

  it("check <exercise> prints the handout", async () => {
    const r = await cnilab("handout", {}, "check", "deny-nginx");
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toMatch(/^# Nothing may connect to nginx\n\nExercise `deny-nginx` on lab `netpol`\./);
  });

  it("check -f grades a file: the participant's policy from the goal is done; an empty one misses with the first hint", async () => {
    const done = await cnilab("grade", {}, "check", "deny-nginx", "-f", write("mine.yaml", stringify(DENY_NGINX)));
    expect([done.code, done.err]).toEqual([0, ""]);
    expect(done.out).toContain("exercise deny-nginx: all 2 goal cells met");
    const none = await cnilab("grade", {}, "check", "deny-nginx", "-f", write("other.yaml", stringify({ ...DENY_NGINX, spec: { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Ingress"] } })));
    expect(none.code).toBe(1);
    expect(none.out).toContain("exercise deny-nginx: 0 of 2 goal cells met\n");
    expect(none.out).toContain("Hint 1 of 3: A pod accepts everything until some policy selects it for ingress");
  });

  it("verify without a context file: exit 2 naming it", async () => {
    const missing = join(dir, "no-lab.json");
    const r = await cnilab("verify", { CNILAB_TERMINAL_CONTEXT: missing }, "verify");
    expect(r).toEqual({ code: 2, out: "", err: `cnilab verify: ${missing}: the terminal's lab context does not exist ('cnilab workshop up' puts it in each participant's terminal)\n` });
  });
});

describe("check --live in a terminal", () => {
  it("grades the policies in the participant's own cluster, then probes with the bundled probe program, on the context's backend", async () => {
    const nginx = { namespace: "default", name: "nginx-1", labels: { app: "nginx" }, ip: "10.244.1.10", ready: true };
    const api = await startCheckApi({ policies: { default: [DENY_NGINX] }, pods: [nginx], world: (_from, to) => (to.ip === nginx.ip ? "timeout" : "connected") });
    try {
      const lab = { workshop: "demo", participant: "alice", backend: "calico-vxlan" as const, lab: "netpol", assertions: { probes: [], skipped: [], jobs: [] } };
      const io = captureIo({ CNILAB_STATE: join(dir, "live"), CNILAB_POLL_MS: "10", KUBECONFIG: write("alice.kubeconfig", api.kubeconfig), CNILAB_TERMINAL_CONTEXT: write("alice.json", terminalContextText(lab)) }, dir);
      const code = await runToExit("check", io, () => runTerminalCheck(["deny-nginx", "--live"], io, cli));
      expect([code, io.err()]).toEqual([0, expect.stringContaining("cnilab check: warning: the cluster of demo-alice runs workshop demo's lab netpol, not exercise deny-nginx")]);
      expect(io.out()).toContain("exercise deny-nginx on demo-alice (calico-vxlan): 2 of 2 goal cells met");
      const probe = api.created.find((c) => c.kind === "ConfigMap" && "probe.js" in (c.body.data ?? {}))!;
      expect(probe.body.data["probe.js"]).toBe(readFileSync(join(cli, TERMINAL_CLI_FILES.probe), "utf8"));
      expect(api.left()).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it("the probe Jobs run the image the context's imageMap names for the pinned node image (a lab on a private registry)", async () => {
    const nginx = { namespace: "default", name: "nginx-1", labels: { app: "nginx" }, ip: "10.244.1.10", ready: true };
    const api = await startCheckApi({ policies: { default: [DENY_NGINX] }, pods: [nginx], world: (_from, to) => (to.ip === nginx.ip ? "timeout" : "connected") });
    try {
      const mapped = "registry.example:5000/mirror/node:24@sha256:" + "0".repeat(64);
      const lab = { workshop: "demo", participant: "carol", backend: "kindnet" as const, lab: "netpol", assertions: { probes: [], skipped: [], jobs: [] }, imageMap: { [IMAGES.node]: mapped } };
      const io = captureIo({ CNILAB_STATE: join(dir, "mapped"), CNILAB_POLL_MS: "10", KUBECONFIG: write("carol.kubeconfig", api.kubeconfig), CNILAB_TERMINAL_CONTEXT: write("carol.json", terminalContextText(lab)) }, dir);
      expect(await runToExit("check", io, () => runTerminalCheck(["deny-nginx", "--live"], io, cli))).toBe(0);
      const images = api.created.filter((c) => c.kind === "Job").flatMap((c) => c.body.spec.template.spec.containers.map((k: { image: string }) => k.image));
      expect(images.length).toBeGreaterThan(0);
      expect(new Set(images)).toEqual(new Set([mapped]));
    } finally {
      await api.close();
    }
  });

  it("a probe image the cluster cannot pull ends the check before the Jobs' bound, each cell naming the kubelet's reason", async () => {
    const nginx = { namespace: "default", name: "nginx-1", labels: { app: "nginx" }, ip: "10.244.1.10", ready: true };
    const waits = { reason: "ImagePullBackOff", message: `Back-off pulling image "${IMAGES.node}"` };
    const api = await startCheckApi({ policies: { default: [] }, pods: [nginx], world: () => "connected", jobPodWaits: waits });
    try {
      const lab = { workshop: "demo", participant: "dave", backend: "kindnet" as const, lab: "netpol", assertions: { probes: [], skipped: [], jobs: [] } };
      const io = captureIo({ CNILAB_STATE: join(dir, "pull"), CNILAB_POLL_MS: "10", KUBECONFIG: write("dave.kubeconfig", api.kubeconfig), CNILAB_TERMINAL_CONTEXT: write("dave.json", terminalContextText(lab)) }, dir);
      expect(await runToExit("check", io, () => runTerminalCheck(["deny-nginx", "--live", "-o", "json"], io, cli))).toBe(1);
      const report = JSON.parse(io.out()) as { cells: { agreement: string; note: string }[] };
      expect(report.cells.map((c) => c.agreement)).toEqual(["no-result", "no-result"]);
      for (const c of report.cells) expect(c.note).toContain(`its probe container is waiting (ImagePullBackOff: Back-off pulling image "${IMAGES.node}")]`);
      expect(api.left()).toEqual([]);
    } finally {
      await api.close();
    }
  }, 30_000);

  it("an exercise of another lab is refused, naming both", async () => {
    const lab = { workshop: "demo", participant: "bob", backend: "kindnet" as const, lab: "pod-basics", assertions: { probes: [], skipped: [], jobs: [] } };
    const io = captureIo({ CNILAB_STATE: join(dir, "other"), CNILAB_TERMINAL_CONTEXT: write("bob.json", terminalContextText(lab)) }, dir);
    expect(await runToExit("check", io, () => runTerminalCheck(["deny-nginx", "--live"], io, cli))).toBe(2);
    expect(io.err()).toBe("cnilab check: exercise deny-nginx is on lab netpol; your lab is pod-basics: check it offline with -f FILE\n(see 'cnilab check --help')\n");
  });
});

/** Whether `value` equals `wanted` or holds it at any depth. */
function holds(value: unknown, wanted: unknown): boolean {
  if (isDeepStrictEqual(value, wanted)) return true;
  return typeof value === "object" && value !== null && Object.values(value).some((v) => holds(v, wanted));
}

describe("what the image context carries", () => {
  const files = (): string[] => readdirSync(context, { recursive: true, encoding: "utf8" }).filter((f) => statSync(join(context, f)).isFile());

  it("every lab without its scenarios, and every exercise without a solution, each loading as the terminal loads it", async () => {
    const labs = readdirSync(join(cli, TERMINAL_CLI_FILES.labs)).filter((f) => f.endsWith(".yaml"));
    expect(labs.map((f) => f.slice(0, -5)).sort()).toEqual(listLabs());
    for (const lab of labs) expect(Object.keys(parse(readFileSync(join(cli, TERMINAL_CLI_FILES.labs, lab), "utf8")))).not.toContain("scenarios");
    for (const name of listExercises()) {
      const text = readFileSync(join(cli, TERMINAL_CLI_FILES.exercises, `${name}.yaml`), "utf8");
      expect(Object.keys(parse(text))).not.toContain("solution");
      const task = await loadExerciseTask(name, { dir: join(cli, TERMINAL_CLI_FILES.exercises), labsDir: join(cli, TERMINAL_CLI_FILES.labs), solution: "withheld" });
      expect(task.goal).toEqual((await loadExercise(name)).goal);
    }
  });

  it("no file of it holds a reference solution: not as text (YAML or JSON), not as data in any YAML file", async () => {
    const texts = files().map((f) => [f, readFileSync(join(context, f), "utf8")] as const);
    expect(texts.length).toBeGreaterThan(20);
    const data = texts.filter(([f]) => f.endsWith(".yaml")).map(([f, text]) => [f, parseAllDocuments(text).map((d) => d.toJS())] as const);
    for (const name of listExercises()) {
      const { solution } = await loadExercise(name);
      for (const policy of solution) {
        const forms = [stringify(policy), JSON.stringify(policy), JSON.stringify(policy.spec)];
        for (const [file, text] of texts) for (const form of forms) expect(text.includes(form), `${file} holds ${name}'s solution as text`).toBe(false);
        for (const [file, docs] of data) expect(holds(docs, policy), `${file} holds ${name}'s solution ${policy.metadata.name} as data`).toBe(false);
      }
    }
  });

  it("the wrapper on PATH execs node on the bundle, and is executable", () => {
    expect(readFileSync(join(context, "cnilab"), "utf8")).toBe('#!/bin/sh\nexec node /opt/cnilab/cli/cnilab.js "$@"\n');
    expect(statSync(join(context, "cnilab")).mode & 0o111).toBe(0o111);
  });
});
