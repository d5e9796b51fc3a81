/**
 * Issue 11 §3: a misspelt NetworkPolicy field is an error (strict field validation, as the API
 * server), in lab files and in `policy matrix` input; so is every duplicate, naming the file and the item.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Io } from "../../cli/command";
import { main } from "../../cli/main";
import { loadLab, SpecError } from "../../labs";
import { evaluatePolicies, PolicyInputError } from "../../policy";
import { unknownPolicyFields } from "../../policy/fields";

const FIXTURES = join(__dirname, "fixtures");

async function matrix(...files: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: FIXTURES, env: {} };
  const code = await main(["policy", "matrix", ...files.flatMap((f) => ["-f", f])], io);
  return { code, stdout, stderr };
}

describe("strict NetworkPolicy fields", () => {
  it("names every unknown field with its path and the known field it most looks like", () => {
    expect(
      unknownPolicyFields({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "p", labels: { a: "b" }, resourceVersion: "1" },
        spec: { podSelector: { matchLables: {} }, ingress: [{ from: [{ namespaceSelector: {}, ipBlok: {} }], port: [] }] },
        status: {},
      }),
    ).toEqual([
      { path: "spec.podSelector.matchLables", message: `unknown field 'matchLables' (did you mean 'matchLabels'?); known here: matchLabels, matchExpressions` },
      { path: "spec.ingress[0].from[0].ipBlok", message: `unknown field 'ipBlok' (did you mean 'ipBlock'?); known here: podSelector, namespaceSelector, ipBlock` },
      { path: "spec.ingress[0].port", message: `unknown field 'port' (did you mean 'ports'?); known here: from, ports` },
      { path: "status", message: "unknown field 'status'; known here: apiVersion, kind, metadata, spec" },
    ]);
  });

  it("a lab file: exit-2 error naming the file, the policy, the field and the fix; duplicate namespaces too", async () => {
    const err = await loadLab("invalid-policy-typo", join(__dirname, "../labs/fixtures")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SpecError);
    const lines = (err as SpecError).message.split("\n").map((l) => l.replace(/^.*invalid-policy-typo\.yaml: /, "FILE: "));
    expect(lines).toEqual([
      "FILE: namespaces: two namespaces are named 'prod'",
      `FILE: scenarios[0].policies[0].spec.podSelecter: NetworkPolicy default/deny-web: unknown field 'podSelecter' (did you mean 'podSelector'?); known here: podSelector, policyTypes, ingress, egress`,
      `FILE: scenarios[0].policies[0].spec.ingress[0].from[0].podSelector.matchLabel: NetworkPolicy default/deny-web: unknown field 'matchLabel' (did you mean 'matchLabels'?); known here: matchLabels, matchExpressions`,
    ]);
  });

  it("policy matrix input: exit 2, the file, the object, the field, did you mean podSelector", async () => {
    const run = await matrix("invalid-typo.yaml");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "cnilab policy matrix: invalid-typo.yaml: NetworkPolicy x/deny-web: spec.podSelecter: unknown field 'podSelecter' (did you mean 'podSelector'?); " +
        "known here: podSelector, policyTypes, ingress, egress\n",
    );
  });

  it("policy matrix input: a Namespace in two files is named with both places, whichever comes first", async () => {
    for (const [a, b] of [
      ["duplicate-namespace.yaml", "duplicate-namespace-2.yaml"],
      ["duplicate-namespace-2.yaml", "duplicate-namespace.yaml"],
    ]) {
      const run = await matrix(a!, b!);
      expect(run.code).toBe(2);
      const second = b === "duplicate-namespace.yaml" ? `${b}: items[0]` : b;
      const first = a === "duplicate-namespace.yaml" ? `${a}: items[0]` : a;
      expect(run.stderr).toBe(
        `cnilab policy matrix: ${second}: Namespace x: appears twice (first in ${first}); which one counts would depend on the order of the input\n`,
      );
    }
  });

  it("the engine itself refuses a duplicate Namespace rather than letting the last one win", () => {
    const ns = (team: string) => ({ name: "x", labels: { team } });
    expect(() => evaluatePolicies({ namespaces: [ns("a"), ns("b")], pods: [], policies: [] }, [{ port: 80, protocol: "TCP" }])).toThrow(PolicyInputError);
  });
});
