/** The CLI surface of doctor, plan, up and down: registration, help text, argument parsing, exit codes. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BACKENDS } from "../../backends";
import { COMMANDS } from "../../cli/commands";
import { main, topLevelHelp } from "../../cli/main";
import { BACKEND_SUBDIR, DEFAULT_PASSPHRASE } from "../../cli/pulumi";
import { ROOT } from "../helpers/stacks";
import { captureIo } from "./io";

const OURS = ["doctor", "setup", "plan", "up", "down"] as const;

async function cli(...argv: string[]) {
  const io = captureIo({ PATH: "/nonexistent" }, ROOT);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("registration and help", () => {
  it("lists doctor, plan, up and down in `cnilab --help`", () => {
    const help = topLevelHelp();
    for (const name of OURS) expect(help).toMatch(new RegExp(`\\n  ${name} +\\S`));
    expect(COMMANDS.filter((c) => (OURS as readonly string[]).includes(c.name)).map((c) => c.name)).toEqual([...OURS]);
  });

  it.each(OURS)("`cnilab %s --help` prints usage, options, exit status and an example; exit 0", async (name) => {
    for (const flag of ["--help", "-h"]) {
      const { code, out, err } = await cli(name, flag);
      expect([code, err]).toEqual([0, ""]);
      expect(out).toMatch(new RegExp(`^Usage: cnilab ${name}\\b`));
      expect(out).toContain("Exit status: 0");
      expect(out).toMatch(/\nExamples?\n {2}cnilab /);
    }
  });

  it("doctor's help names every check and every backend", async () => {
    const { out } = await cli("doctor", "--help");
    for (const id of ["docker", "kind", "pulumi", "kernel-<m>", "ip-forward", "inotify", "memory", "disk"]) expect(out).toMatch(new RegExp(`\\n  ${id} `));
    for (const b of BACKENDS) expect(out).toContain(b);
  });

  it("up's help documents the state directory, the default passphrase and how to override both", async () => {
    const { out } = await cli("up", "--help");
    expect(out).toContain(`<state>/${BACKEND_SUBDIR}/, a Pulumi file backend`);
    expect(out).toContain("CNILAB_STATE moves results and backend together");
    expect(out).toContain("for the local file backend only");
    expect(out).toContain(`default "${DEFAULT_PASSPHRASE}"`);
    expect(out).toContain("PULUMI_CONFIG_PASSPHRASE");
    expect(out).toContain("PULUMI_BACKEND_URL");
  });
});

describe("argument errors exit 2 with one message and a pointer to --help", () => {
  it.each<[string[], string]>([
    [["up"], "cnilab up: expected one <stack>, got none"],
    [["down"], "cnilab down: expected one <stack>, got none"],
    [["up", "kindnet", "macvlan"], "cnilab up: expected one <stack>, got kindnet macvlan"],
    [["down", "kindnet", "--purge"], "cnilab down: unknown option '--purge'; options: --force, -h/--help"],
    [["down", "kindnet", "--forse"], "cnilab down: unknown option '--forse' (did you mean '--force'?); options: --force, -h/--help"],
    [["up", "no-such-stack"], "cnilab up: unknown stack 'no-such-stack'"],
    [["plan"], "cnilab plan: missing <stack>; stacks: "],
    [["plan", "kindnet", "--yaml"], "cnilab plan: unknown option '--yaml'; options: --images, --json, -h/--help"],
    [["doctor", "--backend"], "cnilab doctor: option --backend needs a value"],
  ])("cnilab %j", async (argv, message) => {
    const { code, out, err } = await cli(...argv);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err.startsWith(message)).toBe(true);
    expect(err).toContain(`(see 'cnilab ${argv[0]} --help')`);
  });

  it("an unknown command suggests the closest; help <command>, --version", async () => {
    const typo = await cli("dwon", "kindnet");
    expect([typo.code, typo.out]).toEqual([2, ""]);
    expect(typo.err).toBe(`cnilab: unknown command 'dwon' (did you mean 'down'?); commands: ${COMMANDS.map((c) => c.name).join(", ")}\n`);
    const help = await cli("help", "down");
    expect([help.code, help.err]).toEqual([0, ""]);
    expect(help.out).toBe((await cli("down", "--help")).out);
    expect((await cli("help", "plna")).err).toMatch(/^cnilab: unknown command 'plna' \(did you mean 'plan'\?\)/);
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V", "version"]) expect(await cli(flag)).toEqual({ code: 0, out: `cnilab ${version}\n`, err: "" });
  });

  it("a missing prerequisite is one line and exit 2, not a stack trace (no tools on PATH, no network)", async () => {
    // A state folder of its own, so the tools folder is empty; fetching Pulumi meets no network
    // (test/helpers/loopback-only.ts refuses every host but loopback).
    const state = mkdtempSync(join(tmpdir(), "cnilab-nonet-"));
    const io = captureIo({ PATH: "/nonexistent", CNILAB_STATE: state }, ROOT);
    const code = await main(["down", "kindnet"], io);
    const err = io.err();
    expect(readdirSync(state)).toEqual([]);
    rmSync(state, { recursive: true });
    expect(code).toBe(2);
    const lines = err.trimEnd().split("\n");
    expect(lines.every((l) => l.startsWith("cnilab down: missing prerequisite: ") && l.includes(". Fix: "))).toBe(true);
    // kind may still be found in /opt/kind, where .ci/install-kind.sh puts it.
    expect(lines[0]).toMatch(/^cnilab down: missing prerequisite: the docker CLI is not on PATH\. Fix: install Docker/);
    expect(lines.at(-1)).toMatch(
      /^cnilab down: missing prerequisite: the Pulumi CLI is not on PATH, in ~\/.pulumi\/bin or the tools folder; cannot download pulumi v3\.259\.0 from https:\/\/github\.com\/pulumi\/pulumi\/releases\/download\/v3\.259\.0\/pulumi-v3\.259\.0-\S+\.tar\.gz: tests reach only loopback, not github\.com\. Fix: check the network \(behind a proxy: export HTTPS_PROXY=<proxy> NODE_USE_ENV_PROXY=1\) and run `cnilab setup` again, or install the Pulumi CLI/,
    );
    expect(err).not.toMatch(/\n\s+at /);
  });
});
