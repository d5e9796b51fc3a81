/**
 * Runs a workshop stack's Pulumi program under the recording mocks, with the workshop file given as
 * text (written to a folder of its own), as `pulumi up -s workshop-<name>` would.
 */
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";
import { STACKS_DIR } from "../helpers/stacks";
import { DYNAMIC_TYPE } from "../program/run-stack";
import { newTerminalToken } from "../../terminal/token";

/** A terminal's token, drawn as its dynamic provider's create does; a host's terminal image's ID. */
const TERMINAL_OUTPUTS: Record<string, () => Record<string, unknown>> = {
  "pulumi-nodejs:dynamic/cnilab:TerminalToken": () => ({ token: newTerminalToken() }),
  "docker:index/remoteImage:RemoteImage": () => ({ imageId: "sha256:terminal-image" }),
};

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
      if (args.type in TERMINAL_OUTPUTS) return TERMINAL_OUTPUTS[args.type]!();
      if (args.type !== DYNAMIC_TYPE) return {};
      const cluster = args.inputs.clusterName as string;
      const k = `kind-${cluster}`;
      return {
        // As `kind get kubeconfig` writes it: one cluster, context and user, all named kind-<cluster>.
        kubeconfig: `apiVersion: v1\nkind: Config\nclusters: [{name: ${k}, cluster: {server: "https://127.0.0.1:1"}}]\ncontexts: [{name: ${k}, context: {cluster: ${k}, user: ${k}}}]\nusers: [{name: ${k}, user: {token: t}}]\ncurrent-context: ${k}\n`,
        nodes: ["control-plane", "worker", "worker2"].map((n, i) => ({ name: `${cluster}-${n}`, role: i ? "worker" : "control-plane", internalIP: `10.0.0.${i + 2}` })),
      };
    },
  });
  const { workshopProgram } = await import("../../program.js");
  const outputs = await workshopProgram({ workshop: name }, path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), workshopsDir(name, text));
  await Promise.all([settled(outputs.participants), settled(outputs.caches)]);
  // Every registration too: a terminal's container waits for its lab's assertions (its context
  // file), which the outputs above do not wait for. `waitForRPCs`: see helpers/mocks.ts.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { outputs, recorded };
}
