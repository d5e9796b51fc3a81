/**
 * `cnilab plan <stack>`: what `up` would build, printed from the pure plan without touching Docker.
 * The text is a list of sections; a new part of the plan (the probe plan, say) is one more entry
 * in PLAN_SECTIONS.
 */
import { stringify } from "yaml";
import type { K8sObject } from "../backends";
import type { Spec } from "../labs";
import { planCharts, planImages, planLab } from "../plan";
import { chartFacts } from "../pins/chart-facts";
import { manifestFacts } from "../pins/manifest-facts";
import { STATE_DIR_HELP, STATE_FOLDERS } from "../host/state";
import { readinessSteps } from "../plan/readiness";
import type { DockerSpec } from "../docker";
import { systemHost, type Host } from "../host/host";
import { parseCommandArgs } from "./args";
import { refuseAnyCollision } from "./claims";
import { participantRows } from "./services/workshop-view";
import { UsageError, type Command, type Io } from "./command";
import { exitCode } from "./exit";
import { portOf } from "../verdict/render";
import { dockerPlanJson, DOCKER_PLAN_SECTIONS, planDocker } from "./docker-plan";
import { plannedObjects, plannedResourceCount } from "./services/plan-counts";
import { renderSections, type PlanSection, type PlanView } from "./services/plan-sections";
import { loadLabStack, PROJECT_ROOT, resolveStack, type StackRef } from "./stack-arg";


const yes = (b: boolean) => (b ? "yes" : "no");
const indent = (text: string) => text.trimEnd().split("\n").map((l) => `  ${l}`);
const objectName = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

const summary: PlanSection = {
  title: "Stack",
  lines: ({ ref, spec, plan }) => [
    `  ${ref.name} (${ref.source}): lab '${spec.lab.name}', backend ${spec.stack.backend}`,
    `  cluster ${plan.kindConfig.name}: ${plan.nodes.map((n) => `${n.name} (${n.role}${plan.cni.podRanges ? `, pods ${plan.cni.podRanges[n.name]}` : ""})`).join(", ")}`,
    `  pod addresses: ${plan.backend.datapath.podAddresses}`,
    `  kube-proxy ${spec.stack.kubeProxyMode}, pods ${spec.stack.podSubnet}, services ${spec.stack.serviceSubnet}`,
    `  Docker network ${plan.network.name}: ${plan.network.subnet}, gateway ${plan.network.gateway}`,
  ],
};

const backend: PlanSection = {
  title: "Backend",
  lines: ({ plan: { backend: b } }) => {
    const d = b.datapath;
    const encap = d.encapsulation === "none" ? "no encapsulation" : `${d.encapsulation} (+${d.overheadBytes} bytes per packet)`;
    const lines = [
      `  ${b.name}: ${b.title}`,
      `  shows: ${b.shows}`,
      `  NetworkPolicy: ingress ${yes(b.enforcement.ingress)}, egress ${yes(b.enforcement.egress)}, ipBlock ${yes(b.enforcement.ipBlock)} — ${b.enforcement.why}`,
      `  datapath: ${encap}; pods attach by ${d.podAttachment}; cross-node ${d.crossNode}${d.device ? ` via ${d.device}` : ""}` +
        `${d.vxlan ? ` (VNI ${d.vxlan.vni}, UDP ${d.vxlan.port})` : ""}${d.udp ? ` (UDP ${d.udp.port}, in user space)` : ""}; per-node /${d.routeBlockPrefix} blocks`,
      `  route to a peer node's pods: ${d.peerRoute}`,
    ];
    if (d.onKind) lines.push(`  on kind: ${d.onKind}`);
    lines.push(
      `  node prerequisites: CNI plugins ${b.prerequisites.cniPlugins.join(", ") || "none"}; kernel modules ${b.prerequisites.kernelModules.join(", ") || "none"}` +
        `${b.prerequisites.architectures ? `; nodes ${b.prerequisites.architectures.join(" or ")} only` : ""}`,
    );
    if (b.limitations.length === 0) lines.push("  limitations: none");
    else lines.push("  limitations (expected failures):", ...b.limitations.map((l) => `    ${l.id}: ${l.why}`));
    return lines;
  },
};

const kindConfig: PlanSection = {
  title: "kind config",
  lines: ({ plan }) => indent(plan.kindConfigYaml),
};

const cni: PlanSection = {
  title: "CNI install",
  lines: ({ plan: { cni: c } }) => {
    const lines: string[] = [];
    for (const h of c.charts) {
      const head = `  Helm chart ${h.chart} ${h.version} from ${h.repo}, release ${h.namespace}/${h.releaseName}${h.wait ? " (Helm waits until it is ready)" : ""}`;
      if (Object.keys(h.values).length === 0) lines.push(`${head}, chart defaults`);
      else lines.push(`${head}, values:`, ...indent(stringify(h.values)).map((l) => `  ${l}`));
      const facts = chartFacts(h.chart, h.version);
      const renders = facts.renders(h.values).map((r) => `${r.kind} ${r.name} (${r.apiVersion})`);
      lines.push(`    ships ${facts.crds.length} CRDs; renders ${renders.join(", ") || "no custom resource"} (${facts.source})`);
    }
    for (const m of c.manifests ?? []) {
      const facts = manifestFacts(m.pin);
      const crds = facts.objects.filter((o) => o.kind === "CustomResourceDefinition").length;
      lines.push(
        `  upstream manifest ${m.pin.name} ${m.pin.version} from ${m.pin.url} (sha256 ${m.pin.sha256}), as published: ${facts.objects.length} objects, ${crds} of them CRDs (${facts.source})`,
        `    fetched once into <state>/${STATE_FOLDERS.manifests}/${m.pin.name}-${m.pin.version}.yaml (<state>: ${STATE_DIR_HELP}); without GitHub, copy the file there: its sha256 is checked either way`,
        `    ConfigMap ${facts.config.namespace}/${facts.config.name} keys set:`,
        ...Object.entries(m.settings).map(([k, v]) => `      ${k}: ${JSON.stringify(v)} (the file's: ${JSON.stringify(facts.config.values[k])})`),
      );
    }
    if (c.charts.length === 0) lines.push("  no Helm chart");
    lines.push(c.objects.length === 0 ? "  objects applied first: none" : `  objects applied first: ${c.objects.map(objectName).join(", ")}`);
    // What a chart needs and none of its values set, patched onto what it created (server-side apply).
    if (c.patches?.length) lines.push(`  patched after the charts: ${c.patches.map(objectName).join(", ")}`);
    lines.push(`  ready when, in order: ${readinessSteps(c.readiness).map((s) => `${s.what} (≤ ${s.timeoutSeconds} s)`).join(", ")}`);
    return lines;
  },
};

const objects: PlanSection = {
  title: "Objects",
  lines: ({ plan }) => {
    const counts = new Map<string, number>();
    for (const o of plannedObjects(plan)) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
    const width = Math.max(...[...counts.keys()].map((k) => k.length));
    const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `  ${kind.padEnd(width)}  ${n}`);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return [
      ...rows,
      `  ${"total".padEnd(width)}  ${total} (+ ${plannedResourceCount(plan) - total} more Pulumi resources: Docker network, kind cluster${plan.cni.charts.length > 0 ? `, Helm release${plan.cni.charts.length > 1 ? "s" : ""}` : ""}${plan.cni.patches?.length ? ", a patch of what the chart made" : ""}, assertion Jobs and their ConfigMaps, the probe targets' resolver)`,
    ];
  },
};

/** Above this many probes a scenario is summarised by expected outcome instead of listed. */
const LIST_PROBES_UP_TO = 30;

const probes: PlanSection = {
  title: "Probes (expected outcome, and why)",
  lines: ({ plan: { assertions: a } }) => {
    const lines = [`  ${a.probes.length} probes from ${a.clients.length} source identities: ${a.clients.map((c) => `${c.namespace}/${c.name} on ${c.node}`).join(", ")}`];
    for (const group of [...new Set(a.probes.map((p) => p.group))]) {
      const inGroup = a.probes.filter((p) => p.group === group);
      lines.push(`  ${group}:`);
      if (inGroup.length > LIST_PROBES_UP_TO) {
        const by = new Map<string, number>();
        for (const p of inGroup) by.set(p.expect, (by.get(p.expect) ?? 0) + 1);
        lines.push(`    ${inGroup.length} probes: ${[...by].map(([o, n]) => `${n} expect ${o}`).join(", ")} (cnilab plan --json lists each)`);
        continue;
      }
      for (const p of inGroup) lines.push(`    ${p.client} → ${p.toLabel}${p.protocol === "file" ? " (file)" : `:${portOf(p)}`}  expect ${p.expect}${p.within ? ` within ${p.within}` : ""}  — ${p.why}`);
    }
    if (a.skipped.length > 0) lines.push("  skipped:", ...a.skipped.map((s) => `    ${s.id}: ${s.reason}`));
    return lines;
  },
};

/** The sections of `cnilab plan`, in order. */
export const PLAN_SECTIONS: readonly PlanSection[] = [summary, backend, kindConfig, cni, objects, probes];

export function renderPlan(view: PlanView, sections: readonly PlanSection[] = PLAN_SECTIONS): string {
  return renderSections(view, sections);
}

export const PLAN_HELP = `Usage: cnilab plan <stack> [--images] [--json]

Prints what \`cnilab up <stack>\` would build, changing nothing (no Pulumi, no Docker writes): the stack and its
nodes, the backend's facts (NetworkPolicy enforcement, datapath, limitations), the kind config,
the CNI install (Helm chart, version and values, objects applied first, readiness), the number of
Kubernetes objects per kind, and every probe of the assertion Jobs with its expected outcome and
the reason (the policy verdict, the backend's enforcement and limitations).

For a Docker-only stack (docker-bridge, docker-macvlan, docker-ipvlan-l2, docker-ipvlan-l3): the
driver and its facts, the parent interface (and whether lab traffic can reach the host's uplink),
the networks with their options, subnets and gateways, the containers at their fixed addresses, and
every probe with the outcome the driver's facts expect and why.

Arguments
  <stack>       a stack name (stacks/Pulumi.<stack>.yaml) or a path to a stack file

Options
  --images      list every image the lab runs, one per line (pipe into docker pull), the images of
                its Helm charts and upstream manifests included, then the charts and manifests as
                comments: what a workshop preloads or mirrors.
                With cnilab:imageMap the list shows the mapped references, and a comment per mapped
                image names the pinned one it replaces (without a map: the keys cnilab:imageMap takes)
  --json        print the whole plan as JSON (with --images: a JSON array of the images)
  -h, --help    this text

Before printing, the stack is checked against the other stack files (a kind cluster name or node
subnet used twice) and, when Docker answers, against the machine: a kind cluster or Docker network of
that name that is not this stack's, or a Docker network whose subnet overlaps the lab's.

Exit status: 0 printed; 2 unknown stack, invalid stack/lab file, or a collision (every problem on its
own line, naming both sides).

Examples
  cnilab plan flannel-vxlan
  cnilab plan calico-bgp --images
  cnilab plan docker-ipvlan-l3
`;

export async function runPlanCommand(argv: string[], io: Io, root = PROJECT_ROOT, host: Host = systemHost(io.env, io.cwd)): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { images: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError(`expected one <stack>, got ${positionals.length}: ${positionals.join(" ")}`);
  const ref = resolveStack(positionals[0], root, io.cwd);
  const stack = await loadLabStack(ref);
  if (stack.kind === "workshop") {
    // Every participant's lab is a lab stack's plan; the workshop's own view is its participants.
    io.stdout(
      `Workshop ${stack.plan.workshop} (${ref.source}): ${stack.plan.participants.length} labs, one per participant.\n${participantRows(stack.plan).join("\n")}\n` +
        `Capacity per host: cnilab workshop plan ${stack.plan.workshop}\n`,
    );
    return exitCode("ok");
  }
  await refuseAnyCollision(stack, root, host);
  io.stdout(stack.kind === "docker" ? dockerPlanOutput(ref, stack.spec, values) : clusterPlanOutput(ref, stack.spec, values));
  return exitCode("ok");
}


interface PlanFlags {
  images: boolean;
  json: boolean;
}

/** `--images`: one image per line (then `comments`), or a JSON array of the images. */
function imageList(images: readonly string[], comments: readonly string[], json: boolean): string {
  return json ? `${JSON.stringify(images, null, 2)}\n` : [...images, ...comments].map((i) => `${i}\n`).join("");
}

function clusterPlanOutput(ref: StackRef, spec: Spec, flags: PlanFlags): string {
  const plan = planLab(spec);
  if (flags.images) {
    const mapped = plan.images.filter((i) => i.run !== i.pinned).map((i) => `# ${i.run} runs in place of ${i.pinned} (cnilab:imageMap)`);
    const manifests = (plan.cni.manifests ?? []).map((m) => `# manifest ${m.pin.url} sha256 ${m.pin.sha256} (its images are listed above)`);
    return imageList(planImages(plan), [...mapped, ...planCharts(plan).map((c) => `# Helm chart ${c} (its images are listed above)`), ...manifests], flags.json);
  }
  return flags.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan({ ref, spec, plan });
}

function dockerPlanOutput(ref: StackRef, spec: DockerSpec, flags: PlanFlags): string {
  const plan = planDocker(spec);
  if (flags.images) return imageList(plan.images, [], flags.json);
  return flags.json ? `${JSON.stringify(dockerPlanJson(plan), null, 2)}\n` : renderSections({ ref, spec, plan }, DOCKER_PLAN_SECTIONS);
}

export const planCommand: Command = {
  name: "plan",
  summary: "print what a stack builds (kind config, CNI install, objects, images) without Docker",
  help: PLAN_HELP,
  run: (argv, io) => runPlanCommand(argv, io),
};
