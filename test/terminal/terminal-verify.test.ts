/**
 * The terminal's `cnilab verify`: the participant's lab read from their context file, the Jobs' logs
 * read with their kubeconfig (a stand-in reader here), judged by the one assertion core; and the
 * context file held to its shape, every problem naming the file and the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runToExit } from "../../cli/exit";
import { runTerminalVerify } from "../../cli/terminal-verify";
import type { AssertionsOutput } from "../../plan/outputs";
import { readTerminalContext, terminalContextText, type TerminalContext } from "../../terminal/context";
import { captureIo } from "../cli/io";

const dir = mkdtempSync(join(tmpdir(), "cnilab-terminal-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = (id: string, expect: "connected" | "timeout", why: string) => ({
  id,
  group: "deny-nginx",
  client: "demo",
  to: "default/nginx#0",
  toLabel: "default/nginx",
  port: 80,
  protocol: "tcp" as const,
  expect,
  why,
  basis: { kind: "policy" as const, verdict: expect === "connected" ? ("allowed" as const) : ("denied" as const), notEnforced: [] },
});

const CONTEXT: TerminalContext = {
  workshop: "demo",
  participant: "alice",
  backend: "calico-vxlan",
  lab: "netpol",
  assertions: {
    probes: [probe("health/demo-nginx", "connected", "no policy selects nginx"), probe("deny-nginx/demo-nginx", "timeout", "deny-nginx selects nginx and allows nothing")],
    skipped: [{ id: "deny-nginx/demo-web", group: "deny-nginx", reason: "not in this lab" }],
    jobs: [{ client: "demo", namespace: "default", name: "cnilab-assert-demo" }],
  },
};
const KUBECONFIG = "apiVersion: v1\nkind: Config\n# alice's cluster alone\n";

const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** Both probes connected: the second was expected to time out (a policy calico enforces). */
const LOG = ['{"id":"health/demo-nginx","ok":true,"outcome":"connected","latencyMs":2,"attempts":1}', '{"id":"deny-nginx/demo-nginx","ok":false,"outcome":"connected","latencyMs":2,"attempts":3}', ""].join("\n");

async function verify(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const io = captureIo(env, dir);
  const asked: { kubeconfig: string; jobs: AssertionsOutput["jobs"] }[] = [];
  const code = await runToExit("verify", io, () =>
    runTerminalVerify(argv, io, async (kubeconfig, jobs) => {
      asked.push({ kubeconfig, jobs });
      return { demo: { text: LOG } };
    }),
  );
  return { code, out: io.out(), err: io.err(), asked };
}

describe("cnilab verify in a terminal", () => {
  const env = () => ({ CNILAB_TERMINAL_CONTEXT: write("lab.json", terminalContextText(CONTEXT)), KUBECONFIG: write("config", KUBECONFIG), CNILAB_STATE: join(dir, "state") });

  it("reads the Jobs of the context with $KUBECONFIG, judges every probe, explains the mismatch, saves the report", async () => {
    const r = await verify(env());
    expect(r.asked).toEqual([{ kubeconfig: KUBECONFIG, jobs: CONTEXT.assertions.jobs }]);
    expect([r.code, r.err]).toEqual([1, ""]);
    expect(r.out).toContain("deny-nginx selects nginx and allows nothing");
    const saved = join(dir, "state", "results", "demo-alice", "verify.json");
    expect(r.out).toContain(`saved ${saved}\n`);
    const report = JSON.parse(readFileSync(saved, "utf8"));
    expect([report.stack, report.backend, report.counts]).toEqual(["demo-alice", "calico-vxlan", { pass: 1, mismatch: 1, error: 0, skipped: 1 }]);
  });

  it("--json prints the same report", async () => {
    const r = await verify(env(), "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).probes.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ["health/demo-nginx", "pass"],
      ["deny-nginx/demo-nginx", "mismatch"],
      ["deny-nginx/demo-web", "skipped"],
    ]);
  });

  it("takes no <stack>: exit 2 saying it verifies the participant's own lab", async () => {
    const r = await verify(env(), "calico-ipip");
    expect(r.code).toBe(2);
    expect(r.err).toBe("cnilab verify: unexpected 'calico-ipip': in this terminal verify checks your own lab and takes no <stack>\n(see 'cnilab verify --help')\n");
  });

  it("no context file or no kubeconfig: exit 2 naming the file, nothing read", async () => {
    const gone = join(dir, "gone.json");
    const r = await verify({ ...env(), CNILAB_TERMINAL_CONTEXT: gone });
    expect([r.code, r.asked]).toEqual([2, []]);
    expect(r.err).toBe(`cnilab verify: ${gone}: the terminal's lab context does not exist ('cnilab workshop up' puts it in each participant's terminal)\n`);
    const noConfig = await verify({ ...env(), KUBECONFIG: join(dir, "no-config") });
    expect(noConfig.code).toBe(2);
    expect(noConfig.err).toContain(`${join(dir, "no-config")}: your kubeconfig does not exist`);
  });
});

describe("the context file", () => {
  const problems = (text: string): string => {
    const file = write("bad.json", text);
    try {
      readTerminalContext(file);
    } catch (err) {
      return (err as Error).message.replaceAll(file, "FILE");
    }
    throw new Error("expected the file to be refused");
  };

  it("reads back what was written", () => {
    expect(readTerminalContext(write("good.json", terminalContextText(CONTEXT)))).toEqual(CONTEXT);
  });

  it("not JSON: names the file", () => {
    expect(problems("{ workshop: demo")).toMatch(/^FILE: the terminal's lab context is not JSON: /);
  });

  it("a bad or missing field names the field, the value and what is allowed", () => {
    const bad = { ...CONTEXT, backend: "calico-ipvs", assertions: { ...CONTEXT.assertions, probes: [{ ...CONTEXT.assertions.probes[0], expect: undefined }], jobs: [{ client: "demo", namespace: "default" }] } };
    const lines = problems(JSON.stringify(bad)).split("\n");
    expect(lines[0]).toMatch(/^FILE: backend: 'calico-ipvs' is not allowed \(did you mean 'calico-ipip'\?\); allowed: kindnet, .*calico-vxlan/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^FILE: assertions\.probes\[0\]\.expect: /), expect.stringMatching(/^FILE: assertions\.jobs\[0\]\.name: /)]);
  });
});
