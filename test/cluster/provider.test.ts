/**
 * The kind cluster provider against the fake kind/docker: the exact command lines, the network
 * env var, the outputs, the replace-vs-update decisions, refresh after a manual delete and the
 * rollback of a failed create.
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { kindClusterProvider as provider } from "../../components/cluster/provider";
import type { KindClusterInputs, KindClusterOutputs } from "../../components/cluster/types";
import { type FakeKind, installFakeKind } from "./fake-kind/install";

const CONFIG = [
  "kind: Cluster",
  "apiVersion: kind.x-k8s.io/v1alpha4",
  "nodes:",
  "- role: control-plane",
  "- role: worker",
  "- role: worker",
  "networking:",
  "  disableDefaultCNI: true",
  "",
].join("\n");
const INPUTS: KindClusterInputs = { clusterName: "netpol", config: CONFIG, network: "cnilab-netpol" };
const NET_ENV = { KIND_EXPERIMENTAL_DOCKER_NETWORK: "cnilab-netpol" };

let fake: FakeKind;
beforeAll(() => {
  fake = installFakeKind();
});
afterAll(() => fake.uninstall());
beforeEach(async () => {
  for (const name of fake.clusters()) fake.deleteByHand(name);
  fake.clearCalls();
});

async function createCluster(inputs: KindClusterInputs = INPUTS): Promise<KindClusterOutputs> {
  const result = await provider.create(inputs);
  expect(result.id).toBe(inputs.clusterName);
  fake.clearCalls();
  return result.outs!;
}

describe("create", () => {
  it("runs kind create with the config and the network, then reads kubeconfig and nodes", async () => {
    const result = await provider.create(INPUTS);
    const calls = fake.calls();
    expect(calls.map((c) => [c.tool, ...c.argv])).toEqual([
      ["kind", "get", "clusters"],
      ["kind", "create", "cluster", "--name", "netpol", "--config", expect.stringMatching(/cnilab-kind-[^/]+\/kind-config\.yaml$/)],
      ["kind", "get", "kubeconfig", "--name", "netpol"],
      ["kind", "get", "nodes", "--name", "netpol"],
      ["docker", "inspect", "--type", "container", "netpol-control-plane", "netpol-worker", "netpol-worker2"],
    ]);
    for (const call of calls.filter((c) => c.tool === "kind")) expect(call).toMatchObject(NET_ENV);
    const create = calls[1]!;
    expect(create.config).toBe(CONFIG);
    expect(create.argv).not.toContain("--wait");
    expect(existsSync(dirname(create.argv[5]!)), "the temp config dir is removed").toBe(false);

    expect(result.id).toBe("netpol");
    expect(result.outs).toMatchObject(INPUTS);
    expect(result.outs!.kubeconfig).toMatch(/^apiVersion: v1\n/);
    expect(result.outs!.kubeconfig).toContain("current-context: kind-netpol");
    expect(result.outs!.nodes).toEqual([
      { name: "netpol-control-plane", role: "control-plane", internalIP: "172.18.0.2" },
      { name: "netpol-worker", role: "worker", internalIP: "172.18.0.3" },
      { name: "netpol-worker2", role: "worker", internalIP: "172.18.0.4" },
    ]);
  });

  it("deletes the half-made cluster when kind create fails, and says what failed", async () => {
    fake.failNextCreate();
    const failure = provider.create(INPUTS).then(
      () => undefined,
      (err: Error) => err.message,
    );
    const message = await failure;
    expect(message).toMatch(/^creating kind cluster "netpol" failed: `kind create cluster --name netpol --config \S+kind-config\.yaml` exited with 1/);
    expect(message).toContain("✗ Preparing nodes");
    expect(message).toContain("ERROR: failed to create cluster");
    expect(message).toContain("The half-created cluster was deleted (`kind delete cluster --name netpol`).");
    expect(fake.calls().map((c) => [c.tool, ...c.argv]).slice(-1)).toEqual([["kind", "delete", "cluster", "--name", "netpol"]]);
    expect(fake.clusters()).toEqual([]);
  });

  it("refuses to adopt a cluster of the same name it did not create, and leaves it alone", async () => {
    await createCluster();
    await expect(provider.create(INPUTS)).rejects.toThrow(/a kind cluster named "netpol" already exists and is not in this stack's state/);
    expect(fake.calls().map((c) => c.argv.slice(0, 2).join(" "))).toEqual(["get clusters"]);
    expect(fake.clusters()).toEqual(["netpol"]);
  });

  it("names CNILAB_KIND when the kind binary cannot be run", async () => {
    process.env.CNILAB_KIND = "/nonexistent/kind";
    try {
      await expect(provider.create(INPUTS)).rejects.toThrow(/cannot run `\/nonexistent\/kind` \(spawn \/nonexistent\/kind ENOENT\).*CNILAB_KIND/);
    } finally {
      delete process.env.CNILAB_KIND;
    }
  });
});

describe("diff", () => {
  const olds = { ...INPUTS, kubeconfig: "apiVersion: v1\n", nodes: [] };
  it.each([
    ["nothing changed", {}, { changes: false, replaces: [] }],
    ["config changed (topology)", { config: CONFIG.replace("- role: worker\n", "") }, { changes: true, replaces: ["config"] }],
    ["network changed", { network: "cnilab-other" }, { changes: true, replaces: ["network"] }],
    ["cluster renamed", { clusterName: "netpol2" }, { changes: true, replaces: ["clusterName"] }],
  ])("%s", async (_what, change, expected) => {
    const result = await provider.diff!("netpol", olds, { ...INPUTS, ...change });
    expect(result).toEqual({ ...expected, deleteBeforeReplace: true });
    expect(fake.calls(), "diff runs no command").toEqual([]);
  });
});

describe("diff compares the config as data", () => {
  const DATA = { kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4", nodes: [{ role: "control-plane" }, { role: "worker" }, { role: "worker" }], networking: { disableDefaultCNI: true } };
  const olds = { ...INPUTS, configData: DATA, kubeconfig: "apiVersion: v1\n", nodes: [] };

  it("a new rendering of the same document (quotes, flow style, key order) changes nothing", async () => {
    const reformatted = 'apiVersion: "kind.x-k8s.io/v1alpha4"\nkind: Cluster\nnetworking: { disableDefaultCNI: true }\nnodes: [{ role: control-plane }, { role: worker }, { role: worker }]\n';
    const reordered = { networking: { disableDefaultCNI: true }, nodes: DATA.nodes, apiVersion: DATA.apiVersion, kind: DATA.kind };
    expect(await provider.diff!("netpol", olds, { ...INPUTS, config: reformatted, configData: reordered })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  it("a different document replaces the cluster", async () => {
    const twoNodes = { ...DATA, nodes: DATA.nodes.slice(0, 2) };
    expect(await provider.diff!("netpol", olds, { ...INPUTS, configData: twoNodes })).toEqual({ changes: true, replaces: ["config"], deleteBeforeReplace: true });
  });

  it("a state written before configData existed is compared by its text, as before", async () => {
    const legacy = { ...INPUTS, kubeconfig: "apiVersion: v1\n", nodes: [] };
    expect((await provider.diff!("netpol", legacy, { ...INPUTS, configData: DATA })).replaces).toEqual([]);
    expect((await provider.diff!("netpol", legacy, { ...INPUTS, config: `${CONFIG}# new\n`, configData: DATA })).replaces).toEqual(["config"]);
  });
});

describe("registry mirrors: hosts.toml written into the nodes", () => {
  const DOCKER_IO = '[host."http://192.168.50.10:5101"]\n  capabilities = ["pull", "resolve"]\n';
  const QUAY = "# it's quoted 'here' and $(not run)\n";
  const files = [
    { host: "docker.io", toml: DOCKER_IO },
    { host: "quay.io", toml: QUAY },
  ];
  const nodes = ["netpol-control-plane", "netpol-worker", "netpol-worker2"];

  it("create writes every file into every node after kind made them, one docker exec per node", async () => {
    const result = await provider.create({ ...INPUTS, registryHosts: files });
    const execs = fake.calls().filter((c) => c.tool === "docker" && c.argv[0] === "exec");
    expect(execs.map((c) => c.argv.slice(0, 4))).toEqual(nodes.map((n) => ["exec", n, "sh", "-c"]));
    for (const n of nodes) expect(fake.certsDir(n)).toEqual({ "docker.io": DOCKER_IO, "quay.io": QUAY });
    expect(result.outs!.registryHosts).toEqual(files);
  });

  it("a change of mirrors is an update, not a replacement; update rewrites the nodes and drops a registry no longer listed", async () => {
    const outs = await createCluster({ ...INPUTS, registryHosts: files });
    const next = [{ host: "docker.io", toml: "# moved\n" }];
    expect(await provider.diff!("netpol", outs, { ...INPUTS, registryHosts: next })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(await provider.diff!("netpol", outs, { ...INPUTS, registryHosts: files })).toMatchObject({ changes: false });
    const updated = await provider.update!("netpol", outs, { ...INPUTS, registryHosts: next });
    for (const n of nodes) expect(fake.certsDir(n)).toEqual({ "docker.io": "# moved\n" });
    expect(updated.outs).toMatchObject({ registryHosts: next, nodes: outs.nodes });
  });

  it("a state written before mirrors existed diffs as equal to none", async () => {
    const legacy = { ...INPUTS, kubeconfig: "apiVersion: v1\n", nodes: [] };
    expect(await provider.diff!("netpol", legacy, INPUTS)).toMatchObject({ changes: false });
  });

  it("check refuses a host that is no folder name", async () => {
    const bad = await provider.check!(INPUTS, { ...INPUTS, registryHosts: [{ host: "../etc", toml: "" }] });
    expect(bad.failures).toEqual([{ property: "registryHosts", reason: expect.stringMatching(/^\{"host":"\.\.\/etc","toml":""\} is not a hosts\.toml entry/) }]);
  });
});

describe("new provider code reaches the state", () => {
  // The dynamic provider host passes the stored code among the old outputs and the program's among the news.
  const olds = { ...INPUTS, kubeconfig: "apiVersion: v1\n", nodes: [{ name: "netpol-control-plane", role: "control-plane" as const, internalIP: "172.30.7.2" }], __provider: "exports.handler = old" };
  const news = { ...INPUTS, __provider: "exports.handler = new" };

  it("diff asks for an update, not a replacement, when only the code changed", async () => {
    expect(await provider.diff!("netpol", olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const sameCode: KindClusterInputs = { ...news, __provider: olds.__provider } as KindClusterInputs;
    expect(await provider.diff!("netpol", olds, sameCode)).toMatchObject({ changes: false });
  });

  it("update runs nothing and keeps what kind reported", async () => {
    const result = await provider.update!("netpol", olds, { ...news, configData: { kind: "Cluster" } });
    expect(result).toEqual({ outs: { ...INPUTS, configData: { kind: "Cluster" }, kubeconfig: olds.kubeconfig, nodes: olds.nodes } });
    expect(fake.calls()).toEqual([]);
  });
});

describe("read (refresh)", () => {
  it("refreshes kubeconfig and nodes of a live cluster", async () => {
    const outs = await createCluster();
    const result = await provider.read!("netpol", outs);
    expect(result).toEqual({ id: "netpol", props: outs });
    expect(fake.calls().map((c) => [c.tool, ...c.argv.slice(0, 2)])).toEqual([
      ["kind", "get", "clusters"],
      ["kind", "get", "kubeconfig"],
      ["kind", "get", "nodes"],
      ["docker", "inspect", "--type"],
    ]);
  });

  it("keeps the config as data, so the next diff still compares data", async () => {
    const outs = await createCluster({ ...INPUTS, configData: { kind: "Cluster", nodes: [{ role: "control-plane" }] } });
    expect(outs.configData).toEqual({ kind: "Cluster", nodes: [{ role: "control-plane" }] });
    expect((await provider.read!("netpol", outs)).props).toEqual(outs);
  });

  it("signals a cluster deleted by hand with an empty id and no outputs", async () => {
    const outs = await createCluster();
    fake.deleteByHand("netpol");
    expect(await provider.read!("netpol", outs)).toEqual({ id: "" });
    expect(fake.calls().map((c) => c.argv.join(" "))).toEqual(["get clusters"]);
  });
});

describe("delete", () => {
  it("runs kind delete cluster with the name and network", async () => {
    const outs = await createCluster();
    await provider.delete!("netpol", outs);
    expect(fake.calls()).toEqual([{ tool: "kind", argv: ["delete", "cluster", "--name", "netpol"], ...NET_ENV }]);
    expect(fake.clusters()).toEqual([]);
  });

  it("succeeds when the cluster is already gone", async () => {
    await expect(provider.delete!("netpol", { ...INPUTS, kubeconfig: "", nodes: [] })).resolves.toBeUndefined();
  });
});

describe("check", () => {
  it("accepts good inputs unchanged", async () => {
    expect(await provider.check!({} as KindClusterInputs, INPUTS)).toEqual({ inputs: INPUTS, failures: [] });
  });

  it.each([
    ["clusterName", { clusterName: "Net_Pol" }, /"Net_Pol" is not a DNS-1123 label/],
    ["clusterName", { clusterName: "-netpol" }, /"-netpol" is not a DNS-1123 label/],
    ["clusterName", { clusterName: "a".repeat(51) }, /has 51 characters; kind allows at most 50/],
    ["config", { config: "  \n" }, /the kind Cluster config is empty/],
    ["network", { network: "my network" }, /"my network" is not a Docker network name/],
    ["network", { network: "" }, /"" is not a Docker network name/],
    ["configData", { configData: "kind: Cluster" }, /expected the kind Cluster document as an object, got "kind: Cluster"/],
  ])("names %s when it is bad (%j)", async (property, change, reason) => {
    const { failures } = await provider.check!({} as KindClusterInputs, { ...INPUTS, ...change });
    expect(failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  });

  it("accepts a 50-character name, kind's limit", async () => {
    const { failures } = await provider.check!({} as KindClusterInputs, { ...INPUTS, clusterName: "a".repeat(50) });
    expect(failures).toEqual([]);
  });
});
