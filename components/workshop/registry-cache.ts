/**
 * A workshop host's registry cache: for each upstream of the plan (workshop/cache/plan.ts), a
 * distribution registry in proxy mode on the host's network with its storage in a named volume.
 * The Docker provider of the host comes from the caller (`providers`/`provider` in opts), so the
 * same component serves the local Docker and a remote one.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { RegistryCachePlan } from "../../workshop/cache/types";

export const REGISTRY_CACHE_TYPE = "cnilab:workshop:RegistryCache";

export interface RegistryCacheArgs {
  plan: RegistryCachePlan;
}

export class RegistryCache extends pulumi.ComponentResource {
  /** Container names, in the plan's upstream order. */
  readonly containerNames: pulumi.Output<string[]>;
  /** What participant clusters on this host mirror through (the plan's, once the caches run). */
  readonly mirrors: pulumi.Output<RegistryCachePlan["mirrors"]>;

  constructor(name: string, args: RegistryCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super(REGISTRY_CACHE_TYPE, name, {}, opts);
    const { plan } = args;
    // Shared by every cache on the host, and by other workshops': pulled once, never removed on destroy.
    const image = new docker.RemoteImage(`${name}-image`, { name: plan.containers[0]!.image, keepLocally: true }, { parent: this });
    const containers = plan.containers.map((c) => {
      // The volume outlives a replaced container, so a new registry version keeps what was pulled.
      const volume = new docker.Volume(`${name}-${c.upstream}`, { name: c.name, labels: c.labels }, { parent: this });
      return new docker.Container(
        `${name}-${c.upstream}`,
        {
          name: c.name,
          image: image.imageId,
          networkMode: "host",
          envs: c.env,
          volumes: [{ volumeName: volume.name, containerPath: c.storageDir }],
          labels: c.labels,
          restart: "unless-stopped",
          mustRun: true,
        },
        { parent: this },
      );
    });
    this.containerNames = pulumi.all(containers.map((c) => c.name));
    // Through the containers, so whoever reads the mirrors waits for the caches to exist.
    this.mirrors = this.containerNames.apply(() => plan.mirrors);
    this.registerOutputs({ containerNames: this.containerNames, mirrors: this.mirrors });
  }
}
