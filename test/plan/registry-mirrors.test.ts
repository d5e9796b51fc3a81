import { describe, expect, it } from "vitest";
import { parseStack, SpecError } from "../../labs";
import { planLab } from "../../plan";
import { hostsToml } from "../../plan/registry-mirrors";
import { loadStack } from "../helpers/stacks";

const mirrors = { "registry.example:5000": "http://172.16.9.1:5001", "docker.io": ["https://mirror.example/v2-cache", "http://10.0.0.2:5000"] };

describe("cnilab:registryMirrors rendered for kind v0.30.0 nodes (containerd hosts.toml)", () => {
  it("one [host] table per endpoint, in the order given, pull and resolve only", () => {
    expect(hostsToml("docker.io", mirrors["docker.io"])).toBe(
      [
        '# cnilab: pull docker.io from these endpoints in order, then from the registry itself.',
        "",
        '[host."https://mirror.example/v2-cache"]',
        '  capabilities = ["pull", "resolve"]',
        "",
        '[host."http://10.0.0.2:5000"]',
        '  capabilities = ["pull", "resolve"]',
        "",
      ].join("\n"),
    );
  });

  it("the kind config sets containerd's config_path; the hosts.toml files go with the plan, no node mounts", async () => {
    const spec = await loadStack("flannel-vxlan");
    const plan = planLab({ ...spec, stack: { ...spec.stack, registryMirrors: mirrors } });
    expect(plan.registryHosts).toEqual([
      { host: "docker.io", toml: hostsToml("docker.io", mirrors["docker.io"]) },
      { host: "registry.example:5000", toml: hostsToml("registry.example:5000", ["http://172.16.9.1:5001"]) },
    ]);
    expect(plan.kindConfig.containerdConfigPatches).toEqual(['[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n']);
    expect(plan.kindConfig.nodes).toHaveLength(spec.stack.workers + 1);
    expect(plan.kindConfigYaml).toContain("containerdConfigPatches:");
    expect(plan.kindConfigYaml).not.toContain("extraMounts");
  });

  it("a caller's mirrors (a workshop host's cache) come before the stack's for the same registry, and add registries", async () => {
    const spec = await loadStack("flannel-vxlan");
    const cache = [
      { upstream: "docker.io", endpoint: "http://192.168.50.10:5101" },
      { upstream: "quay.io", endpoint: "http://192.168.50.10:5103" },
    ];
    const plan = planLab({ ...spec, stack: { ...spec.stack, registryMirrors: mirrors } }, { mirrors: cache });
    expect(plan.registryHosts).toEqual([
      { host: "docker.io", toml: hostsToml("docker.io", ["http://192.168.50.10:5101", ...mirrors["docker.io"]]) },
      { host: "quay.io", toml: hostsToml("quay.io", ["http://192.168.50.10:5103"]) },
      { host: "registry.example:5000", toml: hostsToml("registry.example:5000", ["http://172.16.9.1:5001"]) },
    ]);
  });

  it("without mirrors the kind config is as before: no patch, no mount", async () => {
    const plan = planLab(await loadStack("flannel-vxlan"));
    expect(plan.registryHosts).toEqual([]);
    expect(plan.kindConfigYaml).not.toMatch(/containerdConfigPatches|extraMounts/);
  });

  it("bad hosts and endpoints are refused naming the field and the allowed form", () => {
    const problems = (() => {
      try {
        parseStack({ lab: "netpol", backend: "kindnet", registryMirrors: { "https://docker.io": "http://x:5000", "quay.io": ["ftp://m.example", "http://u:p@m.example", "m.example:5000"] } }, "stacks/Pulumi.x.yaml");
      } catch (err) {
        if (err instanceof SpecError) return err.problems.map((p) => `${p.path}: ${p.message}`);
        throw err;
      }
      return [];
    })();
    const url = "is not an endpoint URL: http://host[:port][/path] (plain HTTP) or https://host[:port][/path], no query or credentials";
    expect(problems).toEqual([
      `cnilab:registryMirrors["https://docker.io"]: 'https://docker.io' is not a registry host: host[:port] as an image reference names it (docker.io, registry.example:5000), or _default for every registry`,
      `cnilab:registryMirrors["quay.io"]: 'ftp://m.example' ${url}`,
      `cnilab:registryMirrors["quay.io"]: 'http://u:p@m.example' ${url}`,
      `cnilab:registryMirrors["quay.io"]: 'm.example:5000' ${url}`,
    ]);
  });
});
