/**
 * Pulumi stores a dynamic provider as the text of a module that its provider process evaluates
 * (`requireFromString(text).handler()` in @pulumi/pulumi cmd/dynamic-provider). This runs the
 * same serializer the SDK uses (`serializeFunction(() => provider, { allowSecrets: true })` in
 * @pulumi/pulumi 3.270 dynamic/index.js) on each of our providers, both inside vitest and under
 * cnilab's own loader (`--require tsx/cjs`, as bin/cnilab.cjs; the Pulumi program runs inline in
 * the cnilab process), checks no module was captured, and drives each deserialized copy: the kind
 * provider against the fake kind, the network provider through what needs no Docker.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerNetworkProvider } from "../../components/cluster/network-provider";
import type { DockerNetworkInputs, DockerNetworkOutputs } from "../../components/cluster/network-types";
import { kindClusterProvider } from "../../components/cluster/provider";
import type { KindClusterInputs, KindClusterOutputs } from "../../components/cluster/types";
import { type FakeKind, installFakeKind } from "./fake-kind/install";

type Provider = pulumi.dynamic.ResourceProvider<KindClusterInputs, KindClusterOutputs>;
type NetworkProvider = pulumi.dynamic.ResourceProvider<DockerNetworkInputs, DockerNetworkOutputs>;
type Texts = { kind: string; network: string };

let fake: FakeKind;
/** The stored texts, serialized inside vitest (its module wrapper) and under cnilab's CommonJS loader. */
const texts: Record<"vitest" | "commonjs", Texts> = { vitest: { kind: "", network: "" }, commonjs: { kind: "", network: "" } };
beforeAll(async () => {
  fake = installFakeKind();
  const text = async (provider: object) => (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  texts.vitest = { kind: await text(kindClusterProvider), network: await text(dockerNetworkProvider) };
  const out = execFileSync(process.execPath, ["--require", require.resolve("tsx/cjs"), join(__dirname, "fixtures/serialize-provider.ts")], {
    encoding: "utf8",
    timeout: 60_000,
  });
  texts.commonjs = JSON.parse(out) as Texts;
}, 90_000);
afterAll(() => fake.uninstall());

/** Evaluates the module text with a `require` that fails: the text must need none. */
function load<P = Provider>(moduleText: string): P {
  const module = { exports: {} as { handler: () => P } };
  const refuse = (id: string) => {
    throw new Error(`the serialized provider requires "${id}"`);
  };
  new Function("exports", "require", "module", moduleText)(module.exports, refuse, module);
  return module.exports.handler();
}

describe.each(["vitest", "commonjs"] as const)("serialized under %s", (loader) => {
  it("captures no module", () => {
    for (const text of [texts[loader].kind, texts[loader].network]) {
      expect(text).not.toMatch(/\brequire\(/);
      expect(text).toContain("process.getBuiltinModule");
    }
    expect(texts[loader].kind).toContain("KIND_EXPERIMENTAL_DOCKER_NETWORK");
    expect(texts[loader].network).toContain("enable_ip_masquerade");
  });

  it("the kind provider still checks, diffs, creates, reads and deletes once loaded back", async () => {
    const provider = load(texts[loader].kind);
    const inputs = { clusterName: `ser-${loader}`, config: "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", network: "cnilab-ser" };
    expect((await provider.check!({} as KindClusterInputs, inputs)).failures).toEqual([]);
    const created = await provider.create(inputs);
    expect(created.outs!.nodes).toEqual([{ name: `ser-${loader}-control-plane`, role: "control-plane", internalIP: "172.18.0.2" }]);
    expect(await provider.diff!(inputs.clusterName, created.outs!, { ...inputs, network: "other" })).toMatchObject({ replaces: ["network"] });
    expect((await provider.read!(inputs.clusterName, created.outs!)).id).toBe(inputs.clusterName);
    await provider.delete!(inputs.clusterName, created.outs!);
    expect(fake.clusters()).toEqual([]);
  });

  it("the network provider still checks and diffs once loaded back", async () => {
    const provider = load<NetworkProvider>(texts[loader].network);
    const inputs: DockerNetworkInputs = { name: "cnilab-ser", subnet: "172.31.9.0/24", gateway: "172.31.9.1", masquerade: true, labels: { "io.cnilab.stack": "s" } };
    expect((await provider.check!({} as DockerNetworkInputs, inputs)).failures).toEqual([]);
    expect((await provider.check!({} as DockerNetworkInputs, { ...inputs, subnet: "172.31.9.0" })).failures?.map((f) => f.property)).toEqual(["subnet"]);
    expect(await provider.diff!("id", inputs, { ...inputs, subnet: "172.31.10.0/24", gateway: "172.31.10.1" })).toEqual({
      changes: true,
      replaces: ["subnet", "gateway"],
      deleteBeforeReplace: true,
    });
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
