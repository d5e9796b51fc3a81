/**
 * Runs the Pulumi program of one stack file under the recording mocks, as `pulumi up -s <stack>` would:
 * the mock's stack name is the stack's, so URNs are the ones a real state would hold.
 */
import * as path from "node:path";
import { loadSpec, readStackFile, type Spec } from "../../labs";
import type { PlanAdjust } from "../../program";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";
import { fixtureManifests } from "../helpers/manifest-fixture";
import { STACKS_DIR } from "../helpers/stacks";

export const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/cnilab:KindCluster";
export const NETWORK_TYPE = "pulumi-nodejs:dynamic/cnilab:DockerNetwork";

export type LabOutputs = Awaited<ReturnType<typeof import("../../program")["labProgram"]>>;

export interface StackRun {
  spec: Spec;
  outputs: LabOutputs;
  /** Every registration, in order. */
  recorded: RecordedResource[];
}

/** `overrides` replace `cnilab:` settings of the stack file (a new clusterName, say); `adjust` changes the plan as program.ts allows. */
export async function runLabStack(stack: string, overrides: Record<string, unknown> = {}, adjust?: PlanAdjust): Promise<StackRun> {
  const recorded = await installMocks({
    stack,
    outputs: (args) => {
      if (args.type === DYNAMIC_TYPE) {
        const name = args.inputs.clusterName as string;
        return {
          kubeconfig: `apiVersion: v1\nkind: Config\ncurrent-context: kind-${name}\n`,
          nodes: ["control-plane", "worker", "worker2"].map((n, i) => ({ name: `${name}-${n}`, role: i ? "worker" : "control-plane", internalIP: `172.16.9.${i + 2}` })),
        };
      }
      if (args.type === "kubernetes:core/v1:Service") return { spec: { ...(args.inputs.spec ?? {}), clusterIP: "10.96.0.77" } };
      return {};
    },
  });
  const { labProgram } = await import("../../program.js");
  const file = path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
  const raw = { ...readStackFile(file), ...overrides };
  // Upstream manifests (canal) come from their facts, not the network.
  const outputs = await labProgram(raw, file, fixtureManifests, adjust);
  await Promise.all([settled(outputs.nodes), settled(outputs.kubeconfig), settled(outputs.assertions)]);
  return { spec: await loadSpec(raw, file), outputs, recorded };
}

/** Each registration as the resource list states it: name, type, and its parent's name ("" at the top). */
export function asPlanned(recorded: readonly RecordedResource[]): { name: string; type: string; parent: string }[] {
  const names = new Map(recorded.map((r) => [r.urn, r.name]));
  return recorded.map((r) => ({ name: r.name, type: r.type, parent: (r.parent && names.get(r.parent)) || "" }));
}

/** Registration order depends on when each resource's inputs resolve; compare lists sorted by name. */
export const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
