/**
 * A workshop host's registry cache as data: one distribution proxy per upstream, on the host's
 * network, each on its own port with its own storage, and the mirrors its participants' nodes get.
 * Expected values are written out here, from the upstream facts cited in workshop/cache/plan.ts.
 */
import { describe, expect, it } from "vitest";
import { planLab } from "../../plan";
import { hostsToml } from "../../plan/registry-mirrors";
import { CANAL_MANIFEST_FACTS, CHART_FACTS, chartImageRef, IMAGES, manifestImageRef } from "../../pins";
import { parseImageRef, splitDomain, type ImageRef } from "../../pins/image-ref";
import { planRegistryCache, viaCache } from "../../workshop/cache";
import { loadStack } from "../helpers/stacks";

const host = { id: "local", address: "172.17.0.1" };

describe("planRegistryCache", () => {
  const plan = planRegistryCache("demo", host);

  it("one cache per upstream of cnilab's images: docker.io, registry.k8s.io, quay.io, ghcr.io, gcr.io", () => {
    expect(plan.containers.map((c) => [c.upstream, c.name, c.port])).toEqual([
      ["docker.io", "cnilab-cache-demo-local-docker-io", 5101],
      ["registry.k8s.io", "cnilab-cache-demo-local-registry-k8s-io", 5102],
      ["quay.io", "cnilab-cache-demo-local-quay-io", 5103],
      ["ghcr.io", "cnilab-cache-demo-local-ghcr-io", 5104],
      ["gcr.io", "cnilab-cache-demo-local-gcr-io", 5105],
    ]);
    for (const c of plan.containers) expect(c.image).toBe(IMAGES.registry);
  });

  it("each proxies its upstream, listens on its own port, serves no debug port, keeps what it pulled", () => {
    expect(plan.containers.find((c) => c.upstream === "docker.io")!.env).toEqual([
      "REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io",
      "REGISTRY_PROXY_TTL=0",
      "REGISTRY_HTTP_ADDR=0.0.0.0:5101",
      "REGISTRY_HTTP_DEBUG_ADDR=",
      "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/var/lib/registry",
    ]);
    expect(plan.containers.map((c) => c.env[0])).toEqual([
      "REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io",
      "REGISTRY_PROXY_REMOTEURL=https://registry.k8s.io",
      "REGISTRY_PROXY_REMOTEURL=https://quay.io",
      "REGISTRY_PROXY_REMOTEURL=https://ghcr.io",
      "REGISTRY_PROXY_REMOTEURL=https://gcr.io",
    ]);
  });

  it("offline (a bundle at a venue without internet): the same caches, ports and storage, no upstream", () => {
    const offline = planRegistryCache("demo", host, "offline");
    expect(offline.mode).toBe("offline");
    expect(offline.containers.find((c) => c.upstream === "ghcr.io")!.env).toEqual([
      "REGISTRY_HTTP_ADDR=0.0.0.0:5104",
      "REGISTRY_HTTP_DEBUG_ADDR=",
      "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/var/lib/registry",
    ]);
    expect(offline.containers.map((c) => [c.name, c.port, c.storageDir])).toEqual(plan.containers.map((c) => [c.name, c.port, c.storageDir]));
    expect(offline.mirrors).toEqual(plan.mirrors);
  });

  it("the mirrors point at the host's address, one per upstream", () => {
    expect(plan.mirrors).toEqual([
      { upstream: "docker.io", endpoint: "http://172.17.0.1:5101" },
      { upstream: "registry.k8s.io", endpoint: "http://172.17.0.1:5102" },
      { upstream: "quay.io", endpoint: "http://172.17.0.1:5103" },
      { upstream: "ghcr.io", endpoint: "http://172.17.0.1:5104" },
      { upstream: "gcr.io", endpoint: "http://172.17.0.1:5105" },
    ]);
  });

  it("carries the workshop stack's identity, so down finds it and no other workshop's", () => {
    expect(plan.containers[2]!.labels).toEqual([
      { label: "io.cnilab.project", value: "cnilab" },
      { label: "io.cnilab.stack", value: "workshop-demo" },
      { label: "io.cnilab.workshop", value: "demo" },
      { label: "io.cnilab.workshop-host", value: "local" },
      { label: "io.cnilab.cache-upstream", value: "quay.io" },
    ]);
  });

  it("one cache per host: two hosts, two sets of names; a host's port base moves all four", () => {
    const remote = planRegistryCache("demo", { id: "b", dockerHost: "ssh://lab@10.9.0.2", address: "10.9.0.2", cachePortBase: 6200 });
    expect(remote.containers.map((c) => c.name)).not.toContain(plan.containers[0]!.name);
    expect(remote.mirrors.map((m) => m.endpoint)).toEqual(["http://10.9.0.2:6200", "http://10.9.0.2:6201", "http://10.9.0.2:6202", "http://10.9.0.2:6203", "http://10.9.0.2:6204"]);
  });

  it("every registry cnilab, its charts or its manifests pull an image from has a cache (else participants would pull past it)", () => {
    const refs = [...Object.values(IMAGES), ...CHART_FACTS.flatMap((c) => c.images.map(chartImageRef)), ...CANAL_MANIFEST_FACTS.images.map(manifestImageRef)];
    const registries = new Set(refs.map((ref) => splitDomain((parseImageRef(ref) as ImageRef).name).domain));
    expect([...registries].sort()).toEqual(["docker.io", "gcr.io", "ghcr.io", "quay.io", "registry.k8s.io"]);
    expect(plan.containers.map((c) => c.upstream).sort()).toEqual([...registries].sort());
  });

  it("a participant cluster planned with the cache's mirrors gets one hosts.toml per upstream, and config_path", async () => {
    const lab = planLab(await loadStack("flannel-vxlan"), { mirrors: plan.mirrors });
    expect(lab.registryHosts).toEqual([
      { host: "docker.io", toml: hostsToml("docker.io", ["http://172.17.0.1:5101"]) },
      { host: "gcr.io", toml: hostsToml("gcr.io", ["http://172.17.0.1:5105"]) },
      { host: "ghcr.io", toml: hostsToml("ghcr.io", ["http://172.17.0.1:5104"]) },
      { host: "quay.io", toml: hostsToml("quay.io", ["http://172.17.0.1:5103"]) },
      { host: "registry.k8s.io", toml: hostsToml("registry.k8s.io", ["http://172.17.0.1:5102"]) },
    ]);
    expect(lab.kindConfigYaml).toContain('config_path = "/etc/containerd/certs.d"');
  });
});

describe("viaCache: what the host's own Docker pulls (the kind node image)", () => {
  const plan = planRegistryCache("demo", host);
  it("docker.io names get library/ and keep tag and digest; other registries keep their path", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(viaCache(plan, `kindest/node:v1.34.0@${digest}`)).toBe(`127.0.0.1:5101/kindest/node:v1.34.0@${digest}`);
    expect(viaCache(plan, "busybox:1.37.0")).toBe("127.0.0.1:5101/library/busybox:1.37.0");
    expect(viaCache(plan, "registry.k8s.io/pause:3.10")).toBe("127.0.0.1:5102/pause:3.10");
  });
  it("a registry without a cache is an error naming the caches", () => {
    expect(() => viaCache(plan, "registry.example:5000/app:1")).toThrow("no cache on host local proxies registry.example:5000 (registry.example:5000/app:1); caches: docker.io, registry.k8s.io, quay.io, ghcr.io, gcr.io");
  });
});

describe("splitDomain (distribution/reference normalize.go splitDockerDomain, v0.6.0)", () => {
  it.each([
    ["busybox", "docker.io", "library/busybox"],
    ["kindest/node", "docker.io", "kindest/node"],
    ["docker.io/busybox", "docker.io", "library/busybox"],
    ["index.docker.io/rancher/x", "docker.io", "rancher/x"],
    ["localhost/app", "localhost", "app"],
    ["127.0.0.1:5000/app", "127.0.0.1:5000", "app"],
    ["quay.io/cilium/network-perf", "quay.io", "cilium/network-perf"],
  ])("%s", (name, domain, path) => {
    expect(splitDomain(name)).toEqual({ domain, path });
  });
});
