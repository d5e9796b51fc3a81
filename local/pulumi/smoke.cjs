// The local Pulumi toolchain end to end (run by local/pulumi-smoke.sh, which sets the environment
// from pulumi-env.sh): an inline Automation API program — no language host, the CLI connects to
// this process — registers
//   (a) a pulumi.dynamic.Resource, run by the engine through pulumi-resource-pulumi-nodejs, and
//   (b) a ConfigMap through an explicit kubernetes Provider, run by pulumi-resource-kubernetes,
// against the cnilab-local cluster; then checks both from outside Pulumi, destroys, checks again.
// Prints each phase's seconds. CommonJS: Pulumi serializes the dynamic provider's functions.
"use strict";
const { execFileSync } = require("node:child_process");
const { mkdirSync, readFileSync, symlinkSync, existsSync } = require("node:fs");
const { join } = require("node:path");
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");

/** The cache folder, the repository (its node_modules), the kubernetes provider's stamped version. */
const [cache, repo, version] = process.argv.slice(2);
const work = join(cache, "pulumi-smoke");
const NAME = "cnilab-local-smoke";
const kubeconfig = join(cache, "kubeconfig");

/** Runs in the provider process: its pid shows the engine really started pulumi-resource-pulumi-nodejs. */
const pidProvider = {
  async create(inputs) {
    return { id: `${inputs.word}-${process.pid}`, outs: { word: inputs.word, providerPid: process.pid } };
  },
};
class ProviderPid extends pulumi.dynamic.Resource {
  constructor(name, word) {
    super(pidProvider, name, { word, providerPid: undefined }, {});
  }
}

async function program() {
  const marker = new ProviderPid(`${NAME}-pid`, "cnilab");
  const provider = new k8s.Provider(`${NAME}-k8s`, { kubeconfig: readFileSync(kubeconfig, "utf8") });
  const configMap = new k8s.core.v1.ConfigMap(
    NAME,
    { metadata: { name: NAME, namespace: "default" }, data: { word: marker.word } },
    { provider },
  );
  return { providerPid: marker.providerPid, uid: configMap.metadata.uid };
}

const kubectl = (...args) =>
  execFileSync("kubectl", ["--kubeconfig", kubeconfig, "--request-timeout=20s", ...args], { encoding: "utf8" }).trim();
function fail(message) {
  throw new Error(`pulumi-smoke: ${message}`);
}

const seconds = {};
async function phase(name, fn) {
  const start = process.hrtime.bigint();
  console.log(`== ${name}`);
  const result = await fn();
  seconds[name] = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`== ${name}: ${seconds[name].toFixed(1)} s`);
  return result;
}

async function main() {
  mkdirSync(join(work, "state"), { recursive: true });
  // The engine starts plugins in the workspace's folder; the dynamic-provider launcher resolves
  // @pulumi/pulumi from there, so the folder sees this repository's node_modules.
  if (!existsSync(join(work, "node_modules"))) symlinkSync(join(repo, "node_modules"), join(work, "node_modules"));
  const transcript = [];
  const onOutput = (line) => {
    transcript.push(line);
    process.stdout.write(line);
  };
  const stack = await phase("stack", async () =>
    LocalWorkspace.createOrSelectStack(
      { stackName: "smoke", projectName: NAME, program },
      {
        workDir: work,
        pulumiCommand: await PulumiCommand.get({ root: cache }),
        projectSettings: { name: NAME, runtime: "nodejs", backend: { url: `file://${join(work, "state")}` } },
        envVars: { PULUMI_CONFIG_PASSPHRASE: NAME },
      },
    ),
  );
  const up = await phase("up", () => stack.up({ onOutput }));
  await phase("check", async () => {
    const pid = up.outputs.providerPid.value;
    if (!(pid > 0) || pid === process.pid) fail(`the dynamic resource's providerPid is ${pid}, not another process's`);
    const word = kubectl("get", "configmap", NAME, "-n", "default", "-o", "jsonpath={.data.word}");
    if (word !== "cnilab") fail(`ConfigMap ${NAME} has data.word ${JSON.stringify(word)}, expected "cnilab"`);
    const uid = kubectl("get", "configmap", NAME, "-n", "default", "-o", "jsonpath={.metadata.uid}");
    if (uid !== up.outputs.uid.value) fail(`ConfigMap uid ${uid} differs from the stack output ${up.outputs.uid.value}`);
    // The engine's own words: where it took the plugin from, and the version the plugin reported
    // (its GetPluginInfo) beside the one the SDK asked for.
    const said = transcript.join("");
    const ambient = `using pulumi-resource-kubernetes from $PATH at ${join(cache, "bin", "pulumi-resource-kubernetes")}`;
    if (!said.includes(ambient)) fail(`the engine did not say "${ambient}"`);
    const reported = said.match(/resource plugin kubernetes is expected to have version >=(\S+), but has (\S+);/);
    if (!reported || reported[2] !== version) fail(`the engine did not report the kubernetes plugin as ${version} (${reported ? reported[0] : "no version warning"})`);
    console.log(`check: dynamic provider ran as pid ${pid}; ConfigMap ${NAME} uid ${uid}; kubernetes plugin from ${join(cache, "bin")}, asked for ${reported[1]}, reports ${reported[2]}`);
  });
  await phase("destroy", () => stack.destroy({ onOutput }));
  await phase("check-gone", async () => {
    const left = kubectl("get", "configmap", "-n", "default", "--field-selector", `metadata.name=${NAME}`, "-o", "name");
    if (left !== "") fail(`ConfigMap ${NAME} is still there after destroy`);
  });
  await phase("remove-stack", () => stack.workspace.removeStack("smoke"));
  console.log(`pulumi-smoke: passed; seconds ${JSON.stringify(Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Number(v.toFixed(1))])))}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
