/** The terminal's cnilab in-process: every command with usage, exit status and examples; help <command>. */
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli";
import { TERMINAL_CLI } from "../../cli/terminal-main";
import { captureIo } from "../cli/io";

async function cli(...argv: string[]) {
  const io = captureIo({});
  const code = await runCli(TERMINAL_CLI, argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("the terminal's cnilab", () => {
  it.each(["verify", "check", "policy"])("`cnilab %s --help`: usage, exit status, examples; the same as help <command>", async (name) => {
    const r = await cli(name, "--help");
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toMatch(new RegExp(`^Usage: cnilab ${name}\\b`));
    expect(r.out).toContain("Exit status: 0");
    expect(r.out).toMatch(/\nExamples?\n(.*\n)* {2}(kubectl .* && )?cnilab \S/);
    expect((await cli("help", name)).out).toBe(r.out);
  });

  it("check's help offers --live on the participant's own cluster, not a stack, and says solutions are not here", async () => {
    const { out } = await cli("check", "--help");
    expect(out).toMatch(/^Usage: cnilab check <exercise> \[-f FILE… \| --live\]/);
    expect(out).not.toContain("--stack");
    expect(out).toContain("Reference solutions are not in this terminal.");
  });

  it("a typo of a terminal command is answered with the closest of its own", async () => {
    expect(await cli("verfy")).toEqual({ code: 2, out: "", err: "cnilab: unknown command 'verfy' (did you mean 'verify'?); commands: verify, check, policy\n" });
  });

  it("check -f and --live together is bad usage", async () => {
    const r = await cli("check", "deny-nginx", "-f", "x.yaml", "--live");
    expect([r.code, r.err]).toEqual([2, "cnilab check: give -f FILE (offline) or --live (your cluster), not both\n(see 'cnilab check --help')\n"]);
  });
});
