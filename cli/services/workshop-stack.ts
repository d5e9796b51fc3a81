/**
 * A workshop stack for `up` and `down` (and `cnilab workshop up|down`): what differs from a one-lab
 * stack. Up checks every participant's node network against the networks already on its host,
 * counts every lab and cache, and ends by saving each participant's kubeconfig and handout and
 * judging every lab's probes; down removes what carries the workshop stack's identity — clusters,
 * networks, cache containers and volumes — and the participants' folders, nothing of anyone else's.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import { BACKEND_FACTS } from "../../backends";
import { clusterClaim, type Claim } from "../../host/collisions";
import { identityLabels } from "../../host/identity";
import { DEFAULT_KUBERNETES_MINOR } from "../../host/lab-checks";
import { kubernetesMinor } from "../../labs/stack";
import { preflightDown, preflightUp } from "../../host/preflight";
import { pluginsFor } from "../../host/pulumi-plugins";
import { stateFolder } from "../../host/state";
import { verify } from "../../assertions/verify";
import { asExpected } from "../../verdict/judge";
import { removeWorkshopFolder, saveParticipant } from "../../workshop/files";
import { renderHandoutHtml, renderHandoutMarkdown, type HandoutExercise } from "../../workshop/handout";
import type { WorkshopOutputs } from "../../workshop/outputs";
import type { WorkshopPlan } from "../../workshop/plan";
import { exitCode, matched } from "../exit";
import type { Io } from "../command";
import type { LabCommandDeps } from "../deps";
import { readJobLogs } from "../job-logs";
import type { StackRef } from "../stack-arg";
import { plannedResourceCount } from "./plan-counts";
import type { UpTarget } from "./deploy";
import type { DownTarget } from "./teardown";

/** What a RegistryCache registers per host (components/workshop/registry-cache.ts): the image, a volume and a container per upstream. */
const CACHE_RESOURCES = (plan: WorkshopPlan["hosts"][number]) => 1 + 2 * plan.cache.containers.length;
/** What a Terminal registers (components/workshop/terminal.ts): the component, its token, its container; per host a TerminalImage and its RemoteImage. */
const TERMINAL_RESOURCES = (plan: WorkshopPlan) =>
  3 * plan.participants.filter((p) => p.terminal).length + 2 * new Set(plan.participants.filter((p) => p.terminal).map((p) => p.host.id)).size;

/** Each participant's claim (cluster, node network), with the Docker of the host it goes on. */
export function workshopClaims(plan: WorkshopPlan, source: string): { dockerHost?: string; claim: Claim }[] {
  return plan.participants.map((p) => {
    const claim = clusterClaim(p.spec.stack);
    return {
      ...(p.host.dockerHost ? { dockerHost: p.host.dockerHost } : {}),
      claim: { ...claim, source, networks: claim.networks.map((n) => ({ ...n, key: `participant ${p.name}'s node network (subnetPool)` })) },
    };
  });
}

export function workshopUp(ref: StackRef, plan: WorkshopPlan, io: Io, deps: LabCommandDeps, exercises: (lab: string) => Promise<HandoutExercise[]>): UpTarget {
  const backends = [...new Set(plan.participants.map((p) => p.backend))];
  const nodeImage = plan.participants[0]?.spec.stack.nodeImage ?? "";
  const local = plan.participants.filter((p) => !p.host.dockerHost).map((p) => p.clusterName);
  return {
    preflight: (host, say) => preflightUp(host, { backends, workers: plan.participants[0]?.spec.stack.workers ?? 0, kubernetesMinor: kubernetesMinor(nodeImage) ?? DEFAULT_KUBERNETES_MINOR }, say),
    resources: plan.participants.reduce((n, p) => n + plannedResourceCount(p.lab), 0) + plan.hosts.reduce((n, h) => n + CACHE_RESOURCES(h), 0) + TERMINAL_RESOURCES(plan),
    plugins: [...pluginsFor("cluster"), ...pluginsFor("docker")],
    gone: async (host, pre) => {
      const listed = await host.run(pre.kindPath!, ["get", "clusters"], 60_000);
      const names = listed.stdout.split("\n").map((l) => l.trim());
      return listed.code === 0 ? local.filter((c) => !names.includes(c)).map((c) => `kind cluster ${c}`) : [];
    },
    hints: [`Each participant's kubeconfig and handout: ${stateFolder(deps.host.env, deps.host.cwd, "workshops", deps.root)}/${plan.workshop}/<participant>/`, `Watch them: cnilab workshop status ${plan.workshop} --watch`],
    reportOutput: "participants",
    verify: async (outputs) => saveAndJudge(ref, plan, outputs, io, deps, exercises),
  };
}

/** Saves every participant's folder, then one line each: their probes expected against observed. */
async function saveAndJudge(ref: StackRef, plan: WorkshopPlan, outputs: OutputMap, io: Io, deps: LabCommandDeps, exercises: (lab: string) => Promise<HandoutExercise[]>): Promise<number | string> {
  const out = outputs.participants?.value as WorkshopOutputs["participants"] | undefined;
  if (!out) return `the stack has no participants output: run 'cnilab workshop up ${plan.workshop}' first`;
  const dir = stateFolder(deps.host.env, deps.host.cwd, "workshops", deps.root);
  const readLogs = deps.readLogs ?? readJobLogs;
  let allExpected = true;
  for (const p of plan.participants) {
    const o = out[p.name];
    if (!o) continue;
    const lab = p.spec.lab;
    const handout = { workshop: plan.workshop, participant: p.name, backend: p.backend, clusterName: p.clusterName, apiServer: o.apiServer, lab, exercises: await exercises(lab.name), ...(o.terminal ? { terminal: o.terminal } : {}) };
    saveParticipant(dir, plan.workshop, { name: p.name, ...o }, { markdown: renderHandoutMarkdown(handout), html: renderHandoutHtml(handout) });
    const report = verify({ stack: `${ref.name}/${p.name}`, backend: BACKEND_FACTS[p.backend], probes: o.assertions.probes, skipped: o.assertions.skipped, logs: await readLogs(o.kubeconfig, o.assertions.jobs) });
    const ok = asExpected(report.counts);
    allExpected &&= ok;
    io.stdout(`${p.name} (${p.backend} on ${p.host.id}, ${o.apiServer}): ${report.counts.pass} as expected, ${report.counts.mismatch} not, ${report.counts.error} errors, ${report.counts.skipped} skipped\n`);
  }
  io.stdout(`Saved ${plan.participants.length} participants' kubeconfig and handout under ${dir}/${plan.workshop}/.\n`);
  return matched(allExpected);
}

/** A workshop's leftovers: its clusters, its cache containers, their volumes, its networks; then the participants' folders. */
export function workshopDown(workshop: string | undefined, deps: Pick<LabCommandDeps, "root" | "host">): DownTarget {
  return {
    preflight: preflightDown,
    removeLeftovers: async (left, pre, found) => {
      for (const c of found.owned.clusters) await left.remove(`kind cluster ${c}`, pre.kindPath!, ["delete", "cluster", "--name", c]);
      for (const c of found.owned.containers) await left.remove(`Docker container ${c}`, "docker", ["rm", "-f", c]);
      // The caches' volumes carry the stack's labels too; Docker's label filter matches exactly.
      const identity = identityLabels(found.stack).flatMap((l) => ["--filter", `label=${l.label}=${l.value}`]);
      const volumes = await left.run("docker", ["volume", "ls", "--quiet", ...identity]);
      for (const v of volumes.code === 0 ? volumes.stdout.split("\n").filter((l) => l.trim() !== "") : []) await left.remove(`Docker volume ${v}`, "docker", ["volume", "rm", v]);
      await left.networks(found, found.owned.networks, []);
      if (workshop) {
        const held = removeWorkshopFolder(stateFolder(deps.host.env, deps.host.cwd, "workshops", deps.root), workshop);
        if (held.length > 0) left.lines.push(`Removed the participants' folders (kubeconfig, handout) of ${held.join(", ")}.`);
      }
    },
  };
}
