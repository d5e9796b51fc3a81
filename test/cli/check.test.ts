/** `cnilab check` offline: the handout, grading files, hints in order, exit codes, and the solution kept out of sight. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../cli/main";
import { listExercises, loadExercise } from "../../labs/exercise";
import { ROOT } from "../helpers/stacks";
import { captureIo } from "./io";

const NEAR = join(ROOT, "test", "exercises", "near-misses");
let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "cnilab-check-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs cnilab with its own state folder per test name, so hint counts do not leak between tests. */
async function cli(state: string, ...argv: string[]) {
  const io = captureIo({ CNILAB_STATE: join(dir, state) }, ROOT);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("cnilab check", () => {
  it("--help gives usage, exit status and examples", async () => {
    const { code, out } = await cli("help", "check", "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: cnilab check <exercise>/);
    expect(out).toContain("Exit status: 0");
    expect(out).toMatch(/\nExamples\n {2}cnilab check deny-nginx\n/);
  });

  it("without -f or --stack prints the handout: task, pods with labels, goal", async () => {
    const { code, out } = await cli("handout", "check", "namespace-and-pod");
    expect(code).toBe(0);
    expect(out).toContain("# app=client pods of role=prod namespaces, and only those");
    expect(out).toContain("| prod-tool | prod | app=tool | (client) |");
    expect(out).toContain("| prod-tool | myapp | 80/TCP | denied |");
    expect(out).toContain("None: no NetworkPolicy selects any of these pods yet.");
    // An exercise that starts with a policy shows it: the participant fixes what they can read.
    expect((await cli("handout", "check", "fix-broken-dns")).out).toMatch(/## Starting policies\n\n```yaml\n---\napiVersion: networking.k8s.io\/v1\nkind: NetworkPolicy\nmetadata:\n {2}name: egress-nginx-only\n/);
  });

  it("a policy that misses: exit 1, each miss with the engine's reason and the goal, then the hints one per check, in order", async () => {
    const mine = join(NEAR, "access-nginx.wrong-port.yaml");
    const ex = await loadExercise("access-nginx");
    const runs = [await cli("hints", "check", "access-nginx", "-f", mine), await cli("hints", "check", "access-nginx", "-f", mine)];
    for (const r of runs) expect([r.code, r.err]).toEqual([1, ""]);
    expect(runs[0]!.out).toContain("exercise access-nginx: 2 of 3 goal cells met\n");
    expect(runs[0]!.out).toMatch(/ {2}default\/demo +default\/nginx +80\/TCP +allowed +denied +MISS\n/);
    expect(runs[0]!.out).toContain(
      "  default/demo → default/nginx 80/TCP: denied: default/nginx is selected by ingress policy access-nginx, whose rules allow default/demo only on other ports than 80/TCP (access-nginx ingress[0].from[0]); goal: allowed\n",
    );
    expect(runs[0]!.out).toContain(`Hint 1 of 3: ${ex.hints[0]}`);
    expect(runs[1]!.out).toContain(`Hint 2 of 3: ${ex.hints[1]}`);
    // The third check shows the third and last.
    expect((await cli("hints", "check", "access-nginx", "-f", mine)).out).toContain("Hint 3 of 3");
  });

  it("the reference solution passes with exit 0 and no hint; json gives every cell", async () => {
    const ex = await loadExercise("fix-broken-dns");
    const file = write("fix.yaml", ex.solution.map((p) => stringify(p)).join("---\n"));
    const text = await cli("pass", "check", "fix-broken-dns", "-f", file);
    expect([text.code, text.err]).toEqual([0, ""]);
    expect(text.out).toContain("exercise fix-broken-dns: all 4 goal cells met\n");
    expect(text.out).not.toContain("Hint");
    const json = await cli("pass", "check", "fix-broken-dns", "-f", file, "-o", "json");
    const parsed = JSON.parse(json.out);
    expect(parsed).toMatchObject({ exercise: "fix-broken-dns", done: true, met: 4, total: 4 });
    expect(parsed.cells[0]).toEqual({ from: "default/demo", to: "kube-system/kube-dns", port: 53, protocol: "UDP", goal: "allowed", predicted: "allowed", met: true, reason: expect.stringMatching(/^allowed: /) });
  });

  it.each<[string, string[], RegExp]>([
    ["an unknown exercise", ["check", "deny-ngnix", "-f", "x.yaml"], /^cnilab check: labs\/exercises\/deny-ngnix\.yaml: no exercise 'deny-ngnix' \(did you mean 'deny-nginx'\?\)/],
    ["no exercise", ["check"], /^cnilab check: expected one <exercise>, got none; exercises: access-namespace, /],
    ["-f with --stack", ["check", "deny-nginx", "-f", "x", "--stack", "kindnet"], /^cnilab check: give -f FILE \(offline\) or --stack STACK \(live\), not both/],
    ["--participant alone", ["check", "deny-nginx", "--participant", "alice"], /^cnilab check: --participant is for a live check: add --stack STACK/],
    ["a bad --output", ["check", "deny-nginx", "-o", "jsn"], /^cnilab check: --output 'jsn' is not one of text, json \(did you mean 'json'\?\)/],
  ])("%s is exit 2 with one message", async (_, argv, message) => {
    const { code, out, err } = await cli("usage", ...argv);
    expect([code, out]).toEqual([2, ""]);
    expect(err).toMatch(message);
  });

  it("a policy that does not validate is exit 2 naming the file, the object and the field", async () => {
    const file = write("typo.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: mine }\nspec:\n  podSelecter: {}\n");
    const { code, out, err } = await cli("typo", "check", "deny-nginx", "-f", file);
    expect([code, out]).toEqual([2, ""]);
    expect(err).toContain(`${file}: NetworkPolicy default/mine: spec.podSelecter: unknown field 'podSelecter' (did you mean 'podSelector'?)`);
  });
});

describe("the participant's view never shows the reference solution", () => {
  it.each(listExercises())("%s: handout, text and json checks (a miss, with every hint) hold none of it", async (name) => {
    const ex = await loadExercise(name);
    const outputs = [(await cli(`view-${name}`, "check", name)).out];
    for (let i = 0; i <= ex.hints.length; i++) {
      outputs.push((await cli(`view-${name}`, "check", name, "-f", join(NEAR, `${name}.wrong-port.yaml`))).out);
    }
    outputs.push((await cli(`view-${name}`, "check", name, "-f", join(NEAR, `${name}.wrong-namespace.yaml`), "-o", "json")).out);
    const forms = ex.solution.flatMap((p) => [stringify(p), stringify(p.spec), JSON.stringify(p), JSON.stringify(p.spec), JSON.stringify(p.spec, null, 1)]);
    for (const out of outputs) for (const form of forms) expect(out).not.toContain(form.trim());
    // Every hint was shown on the way, so the check did reveal what it should.
    expect(outputs.join("\n")).toContain(`Hint ${ex.hints.length} of ${ex.hints.length}`);
  });
});
