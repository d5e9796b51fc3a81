/** The one input error (input/error.ts) and the one place exit codes are decided (cli/exit.ts). */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/command";
import { asInputError, exitCode, OUTCOMES, runToExit } from "../../cli/exit";
import { formatProblem, InputError } from "../../input/error";
import { SpecError } from "../../labs/errors";
import { PolicyInputError } from "../../policy";
import { captureIo } from "./io";

describe("exit codes", () => {
  it("are README's table: 0 as expected, 1 ran and did not match or failed, 2 could not run as asked, 130 Ctrl-C", () => {
    expect(Object.fromEntries(OUTCOMES.map((o) => [o, exitCode(o)]))).toEqual({
      ok: 0,
      mismatch: 1,
      failed: 1,
      usage: 2,
      "invalid-input": 2,
      "missing-prerequisite": 2,
      "not-up": 2,
      interrupted: 130,
    });
  });

  it("a command's throw becomes its code and one message: usage with a pointer to --help, a file's problems, a failure", async () => {
    const usage = captureIo();
    expect(await runToExit("perf", usage, () => Promise.reject(new UsageError("--timeout must be a positive number of seconds, got \"0\"", { path: "--timeout", value: "0" })))).toBe(2);
    expect(usage.err()).toBe("cnilab perf: --timeout must be a positive number of seconds, got \"0\"\n(see 'cnilab perf --help')\n");

    const input = captureIo();
    const problems = [
      { source: "stacks/Pulumi.x.yaml", path: "cnilab:workers", message: "must be 1 to 10", value: "99" },
      { source: "stacks/Pulumi.x.yaml", path: "cnilab:backend", message: "unknown backend", allowed: ["kindnet", "calico-ipip"] },
    ];
    expect(await runToExit("up", input, () => Promise.reject(new InputError(problems, "stacks/Pulumi.x.yaml is not a valid lab stack")))).toBe(2);
    expect(input.err()).toBe(
      "cnilab up: stacks/Pulumi.x.yaml is not a valid lab stack:\n" +
        "  stacks/Pulumi.x.yaml: cnilab:workers: must be 1 to 10 (got '99')\n" +
        "  stacks/Pulumi.x.yaml: cnilab:backend: unknown backend (allowed: kindnet, calico-ipip)\n",
    );

    const failed = captureIo();
    expect(await runToExit("down", failed, () => Promise.reject(new Error("docker: connection refused")))).toBe(1);
    expect(failed.err()).toBe("cnilab down: docker: connection refused\n");

    const fine = captureIo();
    expect(await runToExit("plan", fine, () => Promise.resolve(0))).toBe(0);
    expect(fine.err()).toBe("");
  });
});

describe("the one input error", () => {
  it("a lab's SpecError and a usage error are it; the policy engine's is turned into it with the same words", () => {
    expect(new SpecError([{ source: "labs/x.yaml", path: "name", message: "required" }])).toBeInstanceOf(InputError);
    expect(new UsageError("missing <stack>")).toBeInstanceOf(InputError);
    expect(new UsageError("missing <stack>").problems).toEqual([{ source: "command line", path: "", message: "missing <stack>" }]);
    const policy = new PolicyInputError(["spec.podSelector: required", "metadata.name: required"], "NetworkPolicy default/x");
    const converted = asInputError(policy)!;
    expect(converted.message).toBe("NetworkPolicy default/x:\n  spec.podSelector: required\n  metadata.name: required");
    expect(converted.problems.map((p) => p.message)).toEqual(["spec.podSelector: required", "metadata.name: required"]);
    expect(asInputError(new Error("EACCES"))).toBeUndefined();
  });

  it("a problem reads: file, path, what is wrong, then the value and what is allowed when it has them", () => {
    expect(formatProblem({ source: "labs/x.yaml", path: "scenarios[0].name", message: "required" })).toBe("labs/x.yaml: scenarios[0].name: required");
    expect(formatProblem({ source: "labs/x.yaml", path: "", message: "the file is empty" })).toBe("labs/x.yaml: the file is empty");
    expect(formatProblem({ source: "command line", path: "--format", message: "not a format", value: "pdf", allowed: ["md", "json", "html"] })).toBe(
      "command line: --format: not a format (got 'pdf'; allowed: md, json, html)",
    );
  });
});
