import * as pulumi from "@pulumi/pulumi";
import { ClusterLab, dockerLabProgram, type StackOutputs } from "./components";
import { isDockerLab, loadDockerSpec } from "./docker";
import { loadSpec } from "./labs";
import { planLab, type LabPlan } from "./plan";
import { renderManifest } from "./plan/manifest";
import { loadManifest } from "./host/manifests";
import type { ManifestPin } from "./pins/versions";
import type { ClusterLabOutputs } from "./plan/outputs";
import { LAB_NAME } from "./plan/resources";
import { bundleProbe } from "./probe/bundle";
import { Workshop } from "./components/workshop";
import { writeTerminalImageContext } from "./terminal/image";
import { handoutExercises, labExercises } from "./workshop/exercises";
import type { WorkshopOutputs } from "./workshop/outputs";
import { isWorkshopStack, planWorkshopStack } from "./workshop/stack";

/**
 * The Pulumi program of the running stack. Configuration is read once, here: every `cnilab:` key of
 * the stack (an unknown key is an error, not ignored), validated and turned into the lab. Pulumi.yaml's
 * `main: index.ts` exports its result (plain `pulumi up`); cnilab hands this very function to the
 * Automation API as an inline program (cli/pulumi.ts), so it runs inside the cnilab process.
 */
export function runStack(adjust?: PlanAdjust) {
  const raw = Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig())
      .filter(([key]) => key.startsWith("cnilab:"))
      .map(([key, value]) => [key.slice("cnilab:".length), value]),
  );
  return stackProgram(raw, `stacks/Pulumi.${pulumi.getStack()}.yaml`, adjust);
}

/** A change to a cluster lab's plan before it is registered: `cnilab migrate`'s lab without its CNI (migrate/resources.ts). */
export type PlanAdjust = (plan: LabPlan) => LabPlan;

/**
 * The Pulumi program for one stack: raw `cnilab:` settings → validated spec → pure plan → ClusterLab, or
 * the Docker-only lab when the stack's lab file says `type: docker`. Returns the stack outputs.
 * runStack calls it with the stack's configuration; tests call it directly.
 */
export async function stackProgram(raw: Record<string, unknown>, source: string, adjust?: PlanAdjust) {
  if (isWorkshopStack(raw)) return workshopProgram(raw, source);
  if (typeof raw.lab === "string" && isDockerLab(raw.lab)) return dockerLabProgram(loadDockerSpec(raw, source));
  return labProgram(raw, source, undefined, adjust);
}

/** A workshop: one lab per participant on their host, one registry cache per host. */
export async function workshopProgram(raw: Record<string, unknown>, source: string, workshopsDir?: string, manifestText: (pin: ManifestPin) => Promise<string> = loadManifest) {
  const plan = await planWorkshopStack(raw, source, workshopsDir);
  const manifestObjects = Object.fromEntries(await Promise.all(plan.participants.map(async (p) => [p.name, await renderManifests(p.lab, manifestText)] as const)));
  const terminals = plan.participants.some((p) => p.terminal)
    ? { terminalImageContext: writeTerminalImageContext(), handoutExercises: handoutExercises(await labExercises(plan.participants[0]!.spec.lab.name)) }
    : {};
  const workshop = new Workshop("workshop", { plan, manifestObjects, probeBundle: bundleProbe(), ...terminals });
  return {
    workshop: plan.workshop,
    lab: plan.participants[0]?.spec.lab.name ?? "",
    participants: workshop.participants,
    caches: workshop.caches,
  } satisfies StackOutputs<WorkshopOutputs>;
}

/**
 * A kind lab: cluster, CNI, workloads, policies, assertion Jobs. `manifestText` gives an upstream
 * manifest's text (default: host/manifests.ts, sha256-checked, fetched once into the state directory).
 * `adjust` changes the plan before it is registered (`cnilab migrate`'s lab without its CNI).
 */
export async function labProgram(
  raw: Record<string, unknown>,
  source: string,
  manifestText: (pin: ManifestPin) => Promise<string> = loadManifest,
  adjust: PlanAdjust = (plan) => plan,
) {
  const spec = await loadSpec(raw, source);
  const plan = adjust(planLab(spec));
  const manifestObjects = await renderManifests(plan, manifestText);
  // States written before LAB_NAME named the Lab after the cluster.
  const lab = new ClusterLab(LAB_NAME, { plan, manifestObjects, probeBundle: bundleProbe(), formerName: spec.stack.clusterName });
  return {
    backend: spec.stack.backend,
    clusterName: spec.stack.clusterName,
    kubeconfig: lab.kubeconfig,
    nodes: lab.nodes,
    kindConfig: plan.kindConfigYaml,
    assertions: lab.assertions,
  } satisfies StackOutputs<ClusterLabOutputs>;
}

/** The objects of the upstream manifests a lab's CNI is installed from (canal's), rendered with the plan's values. */
async function renderManifests(plan: LabPlan, manifestText: (pin: ManifestPin) => Promise<string>) {
  return (await Promise.all((plan.cni.manifests ?? []).map(async (m) => renderManifest(await manifestText(m.pin), m)))).flat();
}
