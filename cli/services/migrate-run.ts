/**
 * Carries out a migration plan (migrate/plan.ts) step by step: verify before, the Pulumi updates,
 * the DaemonSet restart, the node cleanup Jobs, the pod recreation, verify after and the table of
 * what changed. The Pulumi stack, the cluster and the verify report come in as interfaces, so the
 * order and the stops are tested without a cluster. It stops at the first step that fails and says
 * where the lab is then.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import type { Backend } from "../../backends";
import type { ImageMap } from "../../pins";
import { changeRows, renderChanges, type LabSnapshot } from "../../migrate/changes";
import { parseCleanupOutput } from "../../migrate/cleanup";
import { cleanupJobs } from "../../migrate/cleanup-job";
import type { MigrationPlan, MigrationStep } from "../../migrate/plan";
import { exitCode } from "../exit";
import type { Io } from "../command";
import type { MigrationCluster } from "./migrate-cluster";

export interface MigrationEngine {
  /** The stack's outputs as the last update left them. */
  outputs(): Promise<OutputMap>;
  /** `pulumi up` of the stack as its file says now: with cni "none" the lab without its CNI; `replace`: URNs to replace. */
  update(cni: "installed" | "none", replace: readonly string[]): Promise<OutputMap>;
}

export interface MigrateRunDeps {
  engine: MigrationEngine;
  /** The cluster of the stack's kubeconfig output. */
  cluster(outputs: OutputMap): Promise<MigrationCluster>;
  /** `cnilab verify`'s table for the outputs, judged as `backend`: its exit code, or why there is no report. */
  verify(backend: Backend, outputs: OutputMap): Promise<number | string>;
  setBackend(file: string, backend: Backend): void;
  /** A progress line. */
  say(line: string): void;
  /** True once the user pressed Ctrl-C: no further step starts. */
  interrupted?(): boolean;
  /** Steps already done by an earlier run that stopped (migrate-record.ts), and the lab it saw before. */
  resume?: { done: number; before?: LabSnapshot };
  /** After each step: how many are done, and the lab before once it is known (to keep a record). */
  progressed?(done: number, before: LabSnapshot | undefined): void;
  imageMap: ImageMap;
  podSubnet: string;
}

/** A step that ended the run, with the exit code it ends with (1 unless it says otherwise). */
export class MigrationStopped extends Error {
  override name = "MigrationStopped";
  constructor(message: string, readonly code: number = exitCode("failed")) {
    super(message);
  }
}

export async function runMigration(plan: MigrationPlan, io: Io, deps: MigrateRunDeps): Promise<number> {
  let outputs = await deps.engine.outputs();
  let cluster: MigrationCluster | undefined;
  const clusterOf = async () => (cluster ??= await deps.cluster(outputs));
  let before: LabSnapshot | undefined = deps.resume?.before;
  const skip = deps.resume?.done ?? 0;
  let backendNow = plan.steps.slice(0, skip).some((s) => s.kind === "set-backend") ? plan.to : plan.from;
  for (const [i, step] of plan.steps.entries()) {
    if (i < skip) {
      deps.say(`step ${i + 1}/${plan.steps.length} [${step.kind}] done by the run that stopped`);
      continue;
    }
    deps.say(`step ${i + 1}/${plan.steps.length} [${step.kind}] ${step.does}`);
    try {
      if (deps.interrupted?.()) throw new MigrationStopped("cancelled with Ctrl-C before this step", exitCode("interrupted"));
      const result = await runStep(step);
      deps.progressed?.(i + 1, before);
      if (result !== undefined) return result;
    } catch (err) {
      const code = err instanceof MigrationStopped ? err.code : exitCode("failed");
      io.stderr(
        `cnilab migrate: ${plan.stack}: step ${i + 1} (${step.kind}) ${code === exitCode("interrupted") ? "stopped" : "failed"}: ${(err as Error).message}\n` +
          `cnilab migrate: steps 1–${i} are done; the stack file says cnilab:backend ${backendNow}. ` +
          (i === 0 ? "Nothing was changed.\n" : `Fix the cause and run 'cnilab migrate ${plan.stack} --to ${plan.to}' again: it goes on from step ${i + 1}. Or 'cnilab down ${plan.stack}' removes the lab.\n`),
      );
      return code;
    }
  }
  return exitCode("ok");

  async function runStep(step: MigrationStep): Promise<number | undefined> {
    switch (step.kind) {
      case "verify": {
        const backend = step.when === "before" ? plan.from : plan.to;
        const verified = await deps.verify(backend, outputs);
        if (typeof verified === "string") throw new MigrationStopped(verified, exitCode("not-up"));
        const snapshot = await (await clusterOf()).snapshot(backend);
        if (step.when === "before") {
          if (verified !== exitCode("ok")) throw new MigrationStopped("the lab does not behave as expected before the migration (the table above): fix that first");
          before = snapshot;
          return undefined;
        }
        // A run that went on from a record without the lab before shows "(not read)" there.
        const was = before ?? { backend: plan.from, nodes: [], pods: [] };
        io.stdout(`\nWhat changed (${plan.from} → ${plan.to}, cluster ${plan.cluster} kept):\n${renderChanges(changeRows(was, snapshot, deps.podSubnet))}`);
        return verified;
      }
      case "set-backend":
        deps.setBackend(step.file, step.to);
        backendNow = step.to;
        return undefined;
      case "update":
        outputs = await deps.engine.update(step.cni, step.replaceUrns);
        return undefined;
      case "restart":
        await (await clusterOf()).restartDaemonSet(step.namespace, step.daemonSet, deps.say);
        return undefined;
      case "node-cleanup": {
        const c = await clusterOf();
        const results = await c.runCleanupJobs(cleanupJobs(await c.nodeNames(), step.script, deps.imageMap), deps.say);
        for (const r of results) {
          const lines = parseCleanupOutput(r.log);
          io.stdout(`  ${r.node}:${lines.length === 0 ? ` ${r.log.trim() || "no output"}` : ""}\n${lines.map((l) => `    ${l.verb}: ${l.what}\n`).join("")}`);
        }
        const failed = results.filter((r) => !r.succeeded || parseCleanupOutput(r.log).some((l) => l.verb === "failed"));
        if (failed.length > 0) throw new MigrationStopped(`the cleanup failed on ${failed.map((r) => r.node).join(", ")} (its lines above)`);
        return undefined;
      }
      case "recreate-pods": {
        const deleted = await (await clusterOf()).recreatePods();
        deps.say(`deleted ${deleted.length} pods; their controllers make new ones`);
        return undefined;
      }
    }
  }
}
