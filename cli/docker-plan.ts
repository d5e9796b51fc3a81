/**
 * `cnilab plan` for a Docker-only stack (docker/): the driver and its facts, the parent, the Docker
 * networks and containers, and every probe with its expected outcome. Sections as in cli/plan.ts.
 */
import { DRIVER_FACTS, PATH_KINDS, dockerLabResources, planDockerLab, withProbeBundle, type DockerLabPlan, type DockerSpec, type DriverFacts, type ParentPlan, type PathFact } from "../docker";
import { PROBE_FILES } from "../docker/pins";
import { bundleProbe } from "../probe/bundle";
import { createdResources } from "../plan/resources";
import { expectedText } from "../verdict/judge";
import { addressOf, routeOf } from "../verdict/render";
import { columns } from "../text/columns";
import type { PlanSection } from "./services/plan-sections";
import type { StackRef } from "./stack-arg";

export interface DockerPlanView {
  ref: StackRef;
  spec: DockerSpec;
  plan: DockerLabPlan;
}

/** The plan exactly as `up` builds it: the assertion containers get the bundled probe program. */
export function planDocker(spec: DockerSpec): DockerLabPlan {
  return withProbeBundle(planDockerLab(spec), bundleProbe());
}

/** The resources the lab registers with Pulumi, components and providers aside (docker/resources.ts). */
export function dockerResourceCount(plan: DockerLabPlan): number {
  return createdResources(dockerLabResources(plan)).length;
}

/** The plan for `--json`: the probe bundle is the same JavaScript in every client, so its size stands in for it. */
export function dockerPlanJson(plan: DockerLabPlan): unknown {
  return {
    ...plan,
    containers: plan.containers.map((c) => ({
      ...c,
      uploads: c.uploads.map((u) => (u.file === PROBE_FILES.bundle ? { file: u.file, bytes: Buffer.byteLength(u.content) } : u)),
    })),
  };
}

const GATEWAY: Record<DriverFacts["gateway"], string> = {
  host: "the host's own address on the network",
  "next-hop": "a next hop Docker gives the containers but puts on no device",
  ignored: "ignored: the containers' default route is the device itself",
  "overlay-bridge": "on the overlay's own bridge br0, inside the network's namespace, not on the host",
};
const expectation = (fact: PathFact) => ("skip" in fact ? "not probed" : fact.expect.join(" or "));
const options = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(", ");

const summary: PlanSection<DockerPlanView> = {
  title: "Stack",
  lines: ({ ref, spec, plan }) => [
    `  ${ref.name} (${ref.source}): Docker-only lab '${plan.lab}' (${spec.lab.title}), driver ${plan.driver}`,
    `  no Kubernetes: Docker networks and containers only, each named ${plan.name}-*`,
    `  ${dockerResourceCount(plan)} Pulumi resources: ${plan.images.length} images, ${plan.networks.length} networks, ${plan.containers.length} containers`,
  ],
};

const driver: PlanSection<DockerPlanView> = {
  title: "Driver",
  lines: ({ plan }) => {
    const f = DRIVER_FACTS[plan.driver];
    const mode = options(f.modeOptions);
    return [
      f.predefined
        ? `  ${plan.driver}: Docker's predefined network '${f.predefined}', no link per container; the lab's own networks are ${f.docker} networks`
        : `  ${plan.driver}: Docker driver ${f.docker}${mode ? ` (${mode})` : ""}, one ${f.linkType} link per container`,
      `  ${f.summary}`,
      `  parent interface: ${f.parent ? "yes" : "no"}; IPv4 subnets per network: ${f.subnetsPerNetwork}; gateway: ${GATEWAY[f.gateway]}; ` +
        `broadcast and multicast: ${f.broadcast ? "delivered" : "not delivered"}`,
      `  paths: ${PATH_KINDS.flatMap((k) => (f.paths[k] ? [`${k} ${expectation(f.paths[k])}`] : [])).join("; ")}`,
      ...(f.predefined ? [`  a container without a lab network runs on Docker's predefined network '${f.predefined}'`] : []),
      ...(f.portClash ? [`  a server binding a port an earlier one holds: expect ${f.portClash.expect} — ${f.portClash.why}`] : []),
      ...(plan.swarm
        ? [
            "  needs swarm mode: the lab initialises a single-node swarm and leaves it on down (a swarm it did not make is refused)",
            `  docker swarm init --advertise-addr ${plan.swarm.advertiseAddress} --listen-addr ${plan.swarm.listenAddress} --data-path-addr ${plan.swarm.dataPathAddress}; node labels ${Object.entries(plan.swarm.nodeLabels).map(([k, v]) => `${k}=${v}`).join(", ")}`,
          ]
        : []),
    ];
  },
};

function parentLine(p: ParentPlan): string {
  switch (p.kind) {
    case "none":
      return "none";
    case "lab-made":
      return `lab-made: Linux bridge ${p.device} (Docker network ${p.network}), host address ${p.address}`;
    case "host":
      return `host interface ${p.device}${p.address ? `, host address ${p.address}` : ""}`;
  }
}

const parent: PlanSection<DockerPlanView> = {
  title: "Parent",
  lines: ({ plan }) => [`  ${parentLine(plan.parent)}`, `  ${plan.parent.note}`],
};

const networks: PlanSection<DockerPlanView> = {
  title: "Networks",
  lines: ({ plan }) => {
    if (plan.networks.length === 0) return [`  none of the lab's own: every container runs on Docker's predefined '${DRIVER_FACTS[plan.driver].predefined}' network`];
    const width = Math.max(...plan.networks.map((n) => n.name.length));
    const noGateway = DRIVER_FACTS[plan.driver].gateway === "ignored" ? "no gateway (default route via the device)" : "gateway: Docker's default, the first address";
    return plan.networks.flatMap((n) => [
      `  ${n.name.padEnd(width)}  ${n.driver}${n.internal ? ", internal" : ""}  ${options(n.options) || "no options"}`,
      ...n.ipamConfigs.map((c) => `    ${c.subnet}  ${c.gateway ? `gateway ${c.gateway}` : noGateway}`),
    ]);
  },
};

const containers: PlanSection<DockerPlanView> = {
  title: "Containers (fixed addresses)",
  lines: ({ plan }) =>
    columns(
      plan.containers.map((c) => [
        c.name,
        c.role,
        c.networkMode ? `Docker's ${c.networkMode} network` : c.networksAdvanced.map((a) => `${a.ipv4Address} on ${a.name}`).join(", "),
        c.command.join(" "),
      ]),
    ),
};

const probes: PlanSection<DockerPlanView> = {
  title: "Probes (expected outcome, and why)",
  lines: ({ plan }) => {
    const clients = plan.containers.filter((c) => c.role === "client").map((c) => c.labName);
    const clashes = plan.containers.filter((c) => c.role === "clash").map((c) => c.labName);
    const lines = [
      `  ${plan.probes.length} probes from ${clients.length} assertion containers: ${clients.join(", ")}${clashes.length ? `; the listen of ${clashes.join(", ")}, from its exit and log` : ""}`,
    ];
    for (const p of plan.probes) {
      lines.push(`  ${routeOf(p)} (${addressOf(p)}, ${p.group})  expect ${expectedText(p)}  — ${p.why}`);
    }
    if (plan.skipped.length > 0) lines.push("  skipped:", ...plan.skipped.map((s) => `    ${s.id}: ${s.reason}`));
    return lines;
  },
};

/** The sections of `cnilab plan` for a Docker-only stack, in order. */
export const DOCKER_PLAN_SECTIONS: readonly PlanSection<DockerPlanView>[] = [summary, driver, parent, networks, containers, probes];
