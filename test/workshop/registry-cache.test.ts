/**
 * RegistryCache under Pulumi mocks: what it registers for a host's plan (the image once, a volume and
 * a host-network container per upstream), under which parent and provider.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RegistryCache as RegistryCacheClass } from "../../components/workshop/registry-cache";
import { IMAGES } from "../../pins";
import { planRegistryCache } from "../../workshop/cache";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";

const T = {
  cache: "cnilab:workshop:RegistryCache",
  image: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  container: "docker:index/container:Container",
  provider: "pulumi:providers:docker",
};

let recorded: RecordedResource[];
let cache: RegistryCacheClass;
const plan = planRegistryCache("demo", { id: "b", dockerHost: "ssh://lab@10.9.0.2", address: "10.9.0.2" });

beforeAll(async () => {
  recorded = await installMocks({ outputs: (args) => (args.type === T.image ? { imageId: `sha256:${args.inputs.name}` } : {}) });
  const docker = await import("@pulumi/docker");
  const { RegistryCache } = await import("../../components/workshop/registry-cache.js");
  const provider = new docker.Provider("host-b", { host: plan.host.dockerHost });
  cache = new RegistryCache("cache-b", { plan }, { providers: { docker: provider } });
  await settled(cache.containerNames);
});

describe("RegistryCache", () => {
  it("registers the pinned registry image once, kept on the host when destroyed", () => {
    const images = recorded.filter((r) => r.type === T.image);
    expect(images.map((r) => r.inputs)).toEqual([{ name: IMAGES.registry, keepLocally: true }]);
  });

  it("one volume and one container per upstream, named by the plan, children of the component", async () => {
    const urn = await settled(cache.urn);
    const containers = recorded.filter((r) => r.type === T.container);
    expect(containers.map((r) => r.inputs.name)).toEqual(plan.containers.map((c) => c.name));
    expect(recorded.filter((r) => r.type === T.volume).map((r) => r.inputs.name)).toEqual(plan.containers.map((c) => c.name));
    for (const r of recorded.filter((r) => r.type !== T.cache && r.type !== T.provider)) expect(r.parent).toBe(urn);
  });

  it("each container: host network, the plan's env, its volume at the registry's storage, the image by id", () => {
    const quay = recorded.find((r) => r.type === T.container && r.inputs.name === "cnilab-cache-demo-b-quay-io")!;
    expect(quay.inputs).toMatchObject({
      image: `sha256:${IMAGES.registry}`,
      networkMode: "host",
      envs: [
        "REGISTRY_PROXY_REMOTEURL=https://quay.io",
        "REGISTRY_PROXY_TTL=0",
        "REGISTRY_HTTP_ADDR=0.0.0.0:5103",
        "REGISTRY_HTTP_DEBUG_ADDR=",
        "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/var/lib/registry",
      ],
      volumes: [{ volumeName: "cnilab-cache-demo-b-quay-io", containerPath: "/var/lib/registry" }],
      restart: "unless-stopped",
    });
    expect(quay.inputs.labels).toContainEqual({ label: "io.cnilab.stack", value: "workshop-demo" });
  });

  it("every Docker resource goes to the host's provider", () => {
    const docker = recorded.filter((r) => r.type.startsWith("docker:"));
    expect(docker).toHaveLength(1 + 2 * plan.containers.length);
    for (const r of docker) expect(r.provider).toMatch(/::host-b::/);
  });

  it("outputs the mirrors the participants on this host use", async () => {
    expect(await settled(cache.mirrors)).toEqual(plan.mirrors);
  });
});
