/**
 * Runs a workshop stack's Pulumi program under the recording mocks, with the workshop file given as
 * text (written to a folder of its own), as `pulumi up -s workshop-<name>` would.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";
import { STACKS_DIR } from "../helpers/stacks";
import { DYNAMIC_TYPE } from "../program/run-stack";

export type WorkshopRunOutputs = Awaited<ReturnType<typeof import("../../program")["workshopProgram"]>>;

export interface WorkshopRun {
  outputs: WorkshopRunOutputs;
  recorded: RecordedResource[];
}

/** A folder holding workshops/<name>.yaml with this text. */
export function workshopsDir(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cnilab-workshops-"));
  writeFileSync(path.join(dir, `${name}.yaml`), text);
  return dir;
}

export async function runWorkshop(name: string, text: string): Promise<WorkshopRun> {
  const stack = `workshop-${name}`;
  const recorded = await installMocks({
    stack,
    outputs: (args) => {
      if (args.type !== DYNAMIC_TYPE) return {};
      const cluster = args.inputs.clusterName as string;
      return {
        kubeconfig: `apiVersion: v1\nkind: Config\ncurrent-context: kind-${cluster}\n`,
        nodes: ["control-plane", "worker", "worker2"].map((n, i) => ({ name: `${cluster}-${n}`, role: i ? "worker" : "control-plane", internalIP: `10.0.0.${i + 2}` })),
      };
    },
  });
  const { workshopProgram } = await import("../../program.js");
  const outputs = await workshopProgram({ workshop: name }, path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), workshopsDir(name, text));
  await Promise.all([settled(outputs.participants), settled(outputs.caches)]);
  return { outputs, recorded };
}
