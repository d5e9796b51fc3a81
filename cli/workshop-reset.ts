/**
 * `cnilab workshop reset <workshop> <participant> [--hard]`: that participant's lab back to its
 * start and nobody else's. Soft: what they added in the lab's namespaces is deleted, then
 * `pulumi up` targeted at their resources alone (refreshing them first) puts back what they changed
 * or deleted of the lab. --hard: the same up replacing their kind cluster, so it is built anew.
 */
import type { StateResource } from "../workshop/reset";
import { kindClusterUrn, terminalContainerUrn, resetNamespaces, participantAdded, participantResources, RESETTABLE_KINDS } from "../workshop/reset";
import { readStackFile } from "../labs";
import { stateFolder } from "../host/state";
import { readParticipants } from "../workshop/files";
import { planWorkshop } from "../workshop/plan";
import { loadWorkshopStack } from "../workshop/stack";
import { didYouMean } from "../labs/errors";
import { UsageError, type Io } from "./command";
import { labWorkspace, type LabCommandDeps } from "./deps";
import { exitCode } from "./exit";
import { Progress } from "./progress";
import { openLabStack, pulumiFailure } from "./pulumi";
import { checkPrerequisites } from "./services/checks";
import type { ResetCluster } from "./services/workshop-cluster";
import { workshopDown } from "./services/workshop-stack";
import type { StackRef } from "./stack-arg";

export async function runWorkshopReset(ref: StackRef, participant: string | undefined, hard: boolean, io: Io, deps: LabCommandDeps, connect: (kubeconfig: string) => ResetCluster): Promise<number> {
  const workshop = loadWorkshopStack(readStackFile(ref.file), ref.source);
  const names = workshop.participants.map((p) => p.name);
  if (!participant || !names.includes(participant)) {
    throw new UsageError(`${participant ? `no participant '${participant}' in workshop ${workshop.name}${didYouMean(participant, names)}` : "missing <participant>"}; participants: ${names.join(", ")}`);
  }
  const plan = await planWorkshop(workshop, ref.source);
  const p = plan.participants.find((x) => x.name === participant)!;
  const progress = new Progress({ write: io.stdout, tty: deps.tty, now: deps.now });
  // Pulumi and kind as for down (the cluster provider runs kind); nothing else is asked of the machine.
  const pre = await checkPrerequisites(workshopDown(undefined, deps), deps.host, progress, io, "workshop reset");
  if (!pre) return exitCode("missing-prerequisite");
  const opened = await openLabStack(labWorkspace(ref.name, deps, pre), false);
  if (!opened) {
    io.stderr(`cnilab workshop reset: workshop ${workshop.name} is not up: run 'cnilab workshop up ${workshop.name}' first\n`);
    return exitCode("not-up");
  }
  const resources = (((await opened.stack.exportStack()).deployment as { resources?: StateResource[] }).resources ?? []);
  const mine = participantResources(resources, participant);
  if (mine.length === 0) {
    io.stderr(`cnilab workshop reset: ${participant} has no lab in the stack's state: run 'cnilab workshop up ${workshop.name}'\n`);
    return exitCode("not-up");
  }
  if (!hard) {
    const kubeconfig = readParticipants(stateFolder(io.env, io.cwd, "workshops", deps.root), workshop.name, [participant]).get(participant)?.kubeconfig;
    if (!kubeconfig) {
      io.stderr(`cnilab workshop reset: no saved kubeconfig for ${participant}: run 'cnilab workshop up ${workshop.name}' first\n`);
      return exitCode("not-up");
    }
    const removed = await removeAdded(connect(kubeconfig), mine, resetNamespaces(p.spec.lab), progress);
    io.stdout(removed.length > 0 ? `Removed what ${participant} added: ${removed.join(", ")}.\n` : `${participant} added nothing in the lab's namespaces.\n`);
  }
  const terminal = terminalContainerUrn(resources, participant);
  const target = [...mine.map((r) => r.urn), ...(terminal ? [terminal] : [])];
  const replace = [...(hard ? [kindClusterUrn(mine)!] : []), ...(terminal ? [terminal] : [])];
  progress.step(`${hard ? "rebuilding" : "re-applying"} ${participant}'s lab (${target.length} resources, nobody else's)`, target.length);
  try {
    await opened.stack.up({ target, targetDependents: true, refresh: !hard, replace, onEvent: progress.onEvent, configFile: opened.configFile });
  } catch (err) {
    progress.finish();
    io.stderr(`cnilab workshop reset: ${participant}: ${pulumiFailure(err, progress.errors).join("\n  ")}\n`);
    return exitCode("failed");
  }
  progress.finish();
  io.stdout(`${participant}'s lab is back at its start (${progress.elapsed()}).\n`);
  return exitCode("ok");
}

/** Lists every resettable kind in the lab namespaces and deletes what the participant added; what it removed. */
async function removeAdded(cluster: ResetCluster, mine: readonly StateResource[], namespaces: readonly string[], progress: Progress): Promise<string[]> {
  progress.step(`looking for what was added in ${namespaces.join(", ")}`);
  const listed = (await Promise.all(namespaces.flatMap((ns) => RESETTABLE_KINDS.map((k) => cluster.list(k.kind, ns))))).flat();
  const added = participantAdded(listed, mine, namespaces);
  for (const o of added) await cluster.remove(o);
  return added.map((o) => `${o.kind} ${o.namespace}/${o.name}`);
}
