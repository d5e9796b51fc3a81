import { describe, expect, it } from "vitest";
import { planLab } from "../../plan";
import { dockerdReachable, findKind, kindAcceptsConfig } from "../cluster/kind-binary";
import { clusterStackNames, loadStack } from "../helpers/stacks";

/**
 * The rendered kind config of every stack, fed to a real kind binary: kind parses strictly (an
 * unknown field is an error naming the line) before it pulls the node image, so reaching the pull
 * means kind accepted the config.
 */
const kind = findKind();
const docker = dockerdReachable();
const missing = !kind ? "no kind binary (run .ci/install-kind.sh)" : !docker ? "no Docker daemon reachable (run .ci/start-dockerd.sh)" : undefined;
if (missing) console.log(`skipping: real kind config checks: ${missing}`);

describe.skipIf(missing !== undefined)("a real kind binary accepts the config of every stack", () => {
  it.each(clusterStackNames())("%s", async (name) => {
    const plan = planLab(await loadStack(name));
    const verdict = await kindAcceptsConfig(plan.kindConfigYaml);
    expect(verdict.accepted, verdict.output).toBe(true);
  }, 90_000);
});

describe.skipIf(missing !== undefined)("a real kind binary accepts the registry mirror settings", () => {
  it("containerdConfigPatches setting config_path (cnilab:registryMirrors, a workshop host's cache)", async () => {
    const spec = await loadStack("flannel-vxlan");
    const plan = planLab(
      { ...spec, stack: { ...spec.stack, registryMirrors: { "registry.example:5000": "http://172.16.9.1:5001" } } },
      { mirrors: [{ upstream: "docker.io", endpoint: "http://192.168.50.10:5101" }] },
    );
    expect(plan.kindConfigYaml).toContain("containerdConfigPatches:");
    const verdict = await kindAcceptsConfig(plan.kindConfigYaml);
    expect(verdict.accepted, verdict.output).toBe(true);
  }, 90_000);
});
