/**
 * Pulumi stores a dynamic provider as the text of a module that its provider process evaluates
 * (`requireFromString(text).handler()` in @pulumi/pulumi cmd/dynamic-provider). This runs the
 * same serializer the SDK uses (`serializeFunction(() => provider, { allowSecrets: true })` in
 * @pulumi/pulumi 3.270 dynamic/index.js) both inside vitest and on a plain CommonJS load (tsx,
 * as a Pulumi TypeScript program is loaded), checks no module was captured, and drives each
 * deserialized copy against the fake kind, as the provider process would.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindClusterProvider } from "../../components/cluster/provider";
import type { KindClusterInputs, KindClusterOutputs } from "../../components/cluster/types";
import { type FakeKind, installFakeKind } from "./fake-kind/install";

type Provider = pulumi.dynamic.ResourceProvider<KindClusterInputs, KindClusterOutputs>;

let fake: FakeKind;
/** The stored text, serialized inside vitest (its module wrapper) and under plain CommonJS. */
const texts: Record<"vitest" | "commonjs", string> = { vitest: "", commonjs: "" };
beforeAll(async () => {
  fake = installFakeKind();
  texts.vitest = (await pulumi.runtime.serializeFunction(() => kindClusterProvider, { allowSecrets: true })).text;
  const tsx = join(__dirname, "../../node_modules/tsx/dist/cli.mjs");
  texts.commonjs = execFileSync(process.execPath, [tsx, join(__dirname, "fixtures/serialize-provider.ts")], {
    encoding: "utf8",
    timeout: 60_000,
  });
}, 90_000);
afterAll(() => fake.uninstall());

/** Evaluates the module text with a `require` that fails: the text must need none. */
function load(moduleText: string): Provider {
  const module = { exports: {} as { handler: () => Provider } };
  const refuse = (id: string) => {
    throw new Error(`the serialized provider requires "${id}"`);
  };
  new Function("exports", "require", "module", moduleText)(module.exports, refuse, module);
  return module.exports.handler();
}

describe.each(["vitest", "commonjs"] as const)("serialized under %s", (loader) => {
  it("captures no module", () => {
    expect(texts[loader]).not.toMatch(/\brequire\(/);
    expect(texts[loader]).toContain("process.getBuiltinModule");
    expect(texts[loader]).toContain("KIND_EXPERIMENTAL_DOCKER_NETWORK");
  });

  it("still checks, diffs, creates, reads and deletes once loaded back", async () => {
    const provider = load(texts[loader]);
    const inputs = { clusterName: `ser-${loader}`, config: "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", network: "cnilab-ser" };
    expect((await provider.check!({} as KindClusterInputs, inputs)).failures).toEqual([]);
    const created = await provider.create(inputs);
    expect(created.outs!.nodes).toEqual([{ name: `ser-${loader}-control-plane`, role: "control-plane", internalIP: "172.18.0.2" }]);
    expect(await provider.diff!(inputs.clusterName, created.outs!, { ...inputs, network: "other" })).toMatchObject({ replaces: ["network"] });
    expect((await provider.read!(inputs.clusterName, created.outs!)).id).toBe(inputs.clusterName);
    await provider.delete!(inputs.clusterName, created.outs!);
    expect(fake.clusters()).toEqual([]);
  });
});

it("would catch a provider that captures a module (the check above can fail)", async () => {
  const capturing = { create: async () => ({ id: execFileSync("true").toString() }) };
  const outcome = await pulumi.runtime.serializeFunction(() => capturing, { allowSecrets: true }).then(
    (s) => s.text,
    (err: Error) => err.message,
  );
  // Under plain CommonJS the serializer writes require("child_process"); under vitest's module
  // wrapper it refuses outright. Either way the provider could not be stored as it is.
  expect(outcome).toMatch(/require\(|Error serializing/);
});
