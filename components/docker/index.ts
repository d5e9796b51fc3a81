/**
 * A Docker-only lab: the plan's networks and containers registered with @pulumi/docker, and the
 * assertion containers' logs read back into a report of expected against observed reachability.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DOCKER_TYPES, dockerLabResources, planDockerLab, withProbeBundle, reportDockerLab, type ContainerPlan, type DockerLabPlan, type DockerLabReport, type DockerSpec } from "../../docker";
import { bundleProbe } from "../../probe/bundle";
import type { DockerLabOutputs } from "../../docker/outputs";
import type { StackOutputs } from "../outputs";
import { DockerSwarm } from "./swarm";

export interface DockerOnlyLabArgs {
  plan: DockerLabPlan;
}

export class DockerOnlyLab extends pulumi.ComponentResource {
  /** Every probe with its expectation (from the driver's facts), its observed result and whether they agree. */
  readonly report: pulumi.Output<DockerLabReport>;
  /** The Docker networks' names, in creation order. */
  readonly networkNames: pulumi.Output<string[]>;

  constructor(name: string, args: DockerOnlyLabArgs, opts?: pulumi.ComponentResourceOptions) {
    super(DOCKER_TYPES.lab, name, {}, opts);
    const { plan } = args;

    const images = new Map<string, docker.RemoteImage>();
    const networks = new Map<string, docker.Network>();
    const containers = new Map<string, docker.Container>();
    const parentNetwork = plan.networks.find((n) => n.role === "parent");
    const steady = plan.containers.filter((c) => c.role !== "client").map((c) => c.name);
    let swarm: DockerSwarm | undefined;
    for (const r of dockerLabResources(plan)) {
      switch (r.kind) {
        case "lab":
          break;
        case "swarm": {
          const { name: _name, ...args } = r.swarm;
          swarm = new DockerSwarm(r.name, args, { parent: this });
          break;
        }
        case "image":
          // Pinned images are shared by every lab on the engine: pull them, never delete them on
          // destroy. The alias takes over states that named them by position.
          images.set(r.ref, new docker.RemoteImage(r.name, { name: r.ref, keepLocally: true }, { parent: this, aliases: [{ name: `${name}-image-${r.position}` }] }));
          break;
        case "network": {
          // The lab-made parent is a Docker bridge network whose Linux bridge (named by the
          // com.docker.network.bridge.name option) becomes the macvlan/ipvlan parent. That keeps the
          // whole lab inside Docker: no host command creates a device, and destroying the network removes it.
          const n = r.network;
          const args = { name: n.name, driver: n.driver, options: n.options, internal: n.internal, attachable: n.attachable, ipamConfigs: n.ipamConfigs, labels: n.labels };
          // The `parent` option names the bridge device by a string, and an overlay network needs
          // swarm mode without naming it: no data edge orders either pair.
          const after = [...(n.role === "lab" && parentNetwork ? [networks.get(parentNetwork.name)!] : []), ...(swarm ? [swarm] : [])];
          networks.set(n.name, new docker.Network(r.name, args, { parent: this, dependsOn: after }));
          break;
        }
        case "container": {
          const c = r.container;
          const container = new docker.Container(
            r.name,
            {
              name: c.name,
              image: images.get(c.image)!.imageId,
              command: c.command,
              ...(c.networkMode ? { networkMode: c.networkMode } : {}),
              networksAdvanced: c.networksAdvanced.map((a) => ({ name: networks.get(a.name)!.name, ipv4Address: a.ipv4Address })),
              labels: c.labels,
              init: c.init,
              tty: c.tty,
              attach: c.attach,
              logs: c.logs,
              mustRun: c.mustRun,
              ...(c.uploads.length > 0 ? { uploads: c.uploads } : {}),
            },
            // Clients reach servers by fixed address (no data edge), and need the wire up for the
            // parent's carrier, so they start after every steady container; a clash must find its
            // port held, so it starts after the servers before it.
            { parent: this, dependsOn: dependsOn(c.role, [...containers.entries()].filter(([n]) => steady.includes(n)).map(([, v]) => v)) },
          );
          containers.set(c.name, container);
          break;
        }
      }
    }

    const clientLogs: Record<string, pulumi.Output<string>> = {};
    for (const c of plan.containers.filter((c) => c.role === "client")) {
      clientLogs[c.labName] = containers.get(c.name)!.containerLogs.apply((text) => text ?? "");
    }
    const clashExits: Record<string, pulumi.Output<{ exitCode: number; log: string }>> = {};
    for (const c of plan.containers.filter((c) => c.role === "clash")) {
      const container = containers.get(c.name)!;
      clashExits[c.labName] = pulumi.all([container.exitCode, container.containerLogs]).apply(([exitCode, log]) => ({ exitCode, log: log ?? "" }));
    }
    this.report = pulumi.all([pulumi.all(clientLogs), pulumi.all(clashExits)]).apply(([logs, exits]) => reportDockerLab(plan, logs, exits));
    this.networkNames = pulumi.all(plan.networks.map((n) => networks.get(n.name)!.name));
    this.registerOutputs({ report: this.report, networkNames: this.networkNames });
  }
}

/** Clients wait for every steady container created so far (all of them: clients come last); a clash for the servers before it. */
function dependsOn(role: ContainerPlan["role"], steadySoFar: docker.Container[]): docker.Container[] {
  return role === "client" || role === "clash" ? steadySoFar : [];
}

/**
 * What index.ts runs when the stack's lab is a Docker lab (docker/lab.ts isDockerLab):
 * spec → plan → DockerOnlyLab → outputs.
 */
export function dockerLabProgram(spec: DockerSpec, probeBundle: string = bundleProbe()) {
  const plan = withProbeBundle(planDockerLab(spec), probeBundle);
  const lab = new DockerOnlyLab(plan.name, { plan });
  return {
    lab: plan.lab,
    driver: plan.driver,
    parent: plan.parent,
    networks: lab.networkNames,
    containers: plan.containers.map((c) => c.name),
    results: lab.report,
  } satisfies StackOutputs<DockerLabOutputs>;
}
