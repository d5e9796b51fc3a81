/**
 * Messages a new user meets: one prefix (`cnilab <command>: `) on every command's errors, our words
 * instead of the schema library's, a suggestion for a mistyped lab, and a directory or an empty file
 * named as what it is.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { COMMANDS } from "../../cli/commands";
import { main } from "../../cli/main";
import { loadLab, parseLab, parseStack, SpecError } from "../../labs";
import { fileProblem } from "../../labs/errors";
import { ROOT } from "../helpers/stacks";
import { captureIo } from "./io";

const dir = mkdtempSync(join(tmpdir(), "cnilab-messages-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = captureIo({ PATH: "/nonexistent" }, dir);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function stackFile(name: string, text: string | undefined): string {
  const file = join(dir, `Pulumi.${name}.yaml`);
  if (text === undefined) mkdirSync(file, { recursive: true });
  else writeFileSync(file, text);
  return file;
}

async function problem(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as Error).message;
  }
  throw new Error("expected a SpecError");
}

/** Bad input for every command; the prefix is the command as typed (`policy matrix` has its own). */
const BAD: Readonly<Record<string, { argv: string[]; prefix: string }>> = {
  doctor: { argv: ["doctor", "--backend", "flanel"], prefix: "cnilab doctor: " },
  setup: { argv: ["setup", "extra"], prefix: "cnilab setup: " },
  plan: { argv: ["plan", "kindnett"], prefix: "cnilab plan: " },
  up: { argv: ["up", "--bogus"], prefix: "cnilab up: " },
  down: { argv: ["down"], prefix: "cnilab down: " },
  verify: { argv: ["verify", "no-such-stack"], prefix: "cnilab verify: " },
  migrate: { argv: ["migrate", "flannel-vxlan", "--to", "calico-vxlann"], prefix: "cnilab migrate: " },
  e2e: { argv: ["e2e", "no-such-stack"], prefix: "cnilab e2e: " },
  perf: { argv: ["perf", "no-such-stack"], prefix: "cnilab perf: " },
  compare: { argv: ["compare", "--format", "pdf", "kindnet"], prefix: "cnilab compare: " },
  probe: { argv: ["probe", "--plan", "."], prefix: "cnilab probe: " },
  policy: { argv: ["policy", "matrix", "-f", "."], prefix: "cnilab policy matrix: " },
  datapath: { argv: ["datapath", "explain", "flanel-vxlan"], prefix: "cnilab datapath: " },
  explain: { argv: ["explain", "service", "kindnett", "default/echo"], prefix: "cnilab explain: " },
  check: { argv: ["check", "deny-ngnix"], prefix: "cnilab check: " },
  workshop: { argv: ["workshop", "stauts", "demo"], prefix: "cnilab workshop: " },
};

describe("one prefix for errors", () => {
  it("covers every registered command", () => {
    expect(Object.keys(BAD).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it.each(Object.entries(BAD))("%s: exit 2, the first line 'cnilab <command>: …', the rest indented or the --help pointer", async (_name, { argv, prefix }) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    const [first, ...rest] = r.err.trimEnd().split("\n");
    expect(first!.startsWith(prefix)).toBe(true);
    for (const line of rest) expect(line).toMatch(/^(\s|\(see 'cnilab |cnilab [a-z0-9 -]+: )/);
  });
});

describe("our words, not the schema library's", () => {
  it("an empty stack file is one line saying so, with what a stack sets", async () => {
    const r = await cli("plan", stackFile("empty", ""));
    expect(r.err).toBe(
      `cnilab plan: ${join(dir, "Pulumi.empty.yaml")} is not a valid lab stack:\n` +
        `  ${join(dir, "Pulumi.empty.yaml")}: has no cnilab: settings (an empty file?); a stack sets at least cnilab:lab and cnilab:backend (README "Stacks")\n`,
    );
  });

  it.each<[Record<string, unknown>, string]>([
    [{ lab: "netpol" }, "cnilab:backend: missing (the field is required); allowed: kindnet, "],
    [{ lab: "netpol", backend: "kindnet", workers: "abc" }, "cnilab:workers: expected a number, got string 'abc'"],
    [{ lab: "netpol", backend: "kindnet", workers: "2.5" }, "cnilab:workers: expected a whole number, got number 2.5"],
    [{ lab: "netpol", backend: "kindnet", workers: "11" }, "cnilab:workers: must be at most 10 (got 11)"],
    [{ lab: "netpol", backend: "kindnet", podSubnet: null }, "cnilab:podSubnet: expected a string, got null"],
    [{ lab: "netpol", backend: null }, "cnilab:backend: null is not allowed; allowed: kindnet, "],
  ])("%j → %s", async (raw, expected) => {
    const message = await problem(() => parseStack(raw, "s.yaml"));
    expect(message).toContain(`s.yaml: ${expected}`);
    expect(message).not.toMatch(/undefined|NaN|null null|Too (small|big)|expected (int|record|array|object)\b/);
  });

  it("a NetworkPolicy field of the wrong type is named in words, with the value", async () => {
    const lab = readFileSync(join(ROOT, "labs", "netpol.yaml"), "utf8");
    expect(lab).toMatch(/podSelector: \{\}/);
    const message = await problem(() => parseLab(lab.replace(/podSelector: \{\}/, "podSelector: 5"), "labs/x.yaml"));
    expect(message).toMatch(/^labs\/x\.yaml: scenarios\[\d+\]\.policies\[\d+\]\.spec\.podSelector: expected a map \(key: value\), got number 5$/m);
  });

  it("an empty lab file says so and lists a lab's keys; a wrong type is named in words", async () => {
    expect(await problem(() => parseLab("", "labs/x.yaml"))).toMatch(/^labs\/x\.yaml: the file is empty; a lab is a map with name, title, /);
    expect(await problem(() => parseLab("name: x\ntitle: x\nworkloads: null\n", "labs/x.yaml"))).toContain("labs/x.yaml: workloads: expected a list, got null");
  });
});

describe("lab files", () => {
  it.each<[string, string]>([
    ["ENOENT", "does not exist"],
    ["EISDIR", "is a directory, not a file"],
    ["EACCES", "cannot be read (permission denied)"],
    ["EPERM", "cannot be read (permission denied)"],
  ])("a file that fails with %s %s", (code, words) => {
    expect(fileProblem(Object.assign(new Error(`${code}: raw`), { code }))).toBe(words);
  });

  it("a mistyped lab name is answered with the closest lab and the list", async () => {
    const r = await cli("plan", stackFile("typo", "config:\n  cnilab:lab: netpl\n  cnilab:backend: kindnet\n"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/: no such lab file; cnilab:lab 'netpl' names it \(did you mean 'netpol'\?\); labs: .*\bnetpol\b/);
  });

  it("a lab file that is a directory is named as such, not 'no such lab file'", async () => {
    const labs = join(dir, "labs");
    mkdirSync(join(labs, "odd.yaml"), { recursive: true });
    const message = await problem(() => loadLab("odd", labs));
    expect(message).toMatch(/odd\.yaml: cnilab:lab 'odd' names this file, but it is a directory, not a file$/);
  });

  it("a stack path that is a directory is named as such", async () => {
    const r = await cli("plan", stackFile("folder", undefined));
    expect(r.err).toBe(`cnilab plan: ${join(dir, "Pulumi.folder.yaml")}: the stack file is a directory, not a file\n`);
  });

  it("a mistyped stack gets the closest stack (the same suggestion wording as commands and labs)", async () => {
    const io = captureIo({ PATH: "/nonexistent" }, ROOT);
    expect(await main(["plan", "kindnett"], io)).toBe(2);
    expect(io.err()).toMatch(/^cnilab plan: unknown stack 'kindnett' \(did you mean 'kindnet'\?\); stacks in stacks\//);
    const unknown = await cli("lpan");
    expect(unknown.err).toMatch(/^cnilab: unknown command 'lpan' \(did you mean 'plan'\?\)/);
  });
});

describe("a failure no check foresaw", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is one line with the command's prefix, exit 1, no stack trace", async () => {
    const plan = COMMANDS.find((c) => c.name === "plan")!;
    vi.spyOn(plan, "run").mockRejectedValue(new Error("disk full"));
    const r = await cli("plan", "kindnet");
    expect([r.code, r.err]).toEqual([1, "cnilab plan: disk full\n"]);
  });
});

describe("help cites only what a user has", () => {
  it("no help text names a file outside the repository (the project's working notes, seeds, research)", async () => {
    const texts = [(await cli("--help")).out, ...(await Promise.all(COMMANDS.map(async (c) => (await cli(c.name, "--help")).out)))];
    for (const text of texts) expect(text).not.toMatch(/\.\.\/shared|\bseeds\/|\bresearch\/|\/work\//);
    expect(texts).toHaveLength(COMMANDS.length + 1);
  });

  it("no stack's plan cites the project's working notes or seed numbers", async () => {
    const stacks = readdirSync(join(ROOT, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    expect(stacks.length).toBeGreaterThan(0);
    for (const file of stacks) {
      const io = captureIo({ PATH: "/nonexistent" }, ROOT);
      expect(await main(["plan", join("stacks", file)], io), file).toBe(0);
      expect(io.out(), file).not.toMatch(/\.\.\/shared|\bseeds?\/|\bresearch\/|\/work\/|\bseed \d{3}/);
    }
  });
});
