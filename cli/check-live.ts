/**
 * A live check: the cluster's NetworkPolicies graded by the engine, then the exercise's cells probed
 * for real and judged by the one assertion core (assertions/verify.ts). Whose cluster it is comes
 * resolved: `cnilab check --stack S` (check-target.ts) or, in a participant's terminal, their own
 * (terminal-check.ts).
 */
import { readFileSync } from "node:fs";
import { verify } from "../assertions/verify";
import { gradeExercise } from "../exercises/grade";
import { joinLive, renderLive } from "../exercises/live-report";
import { planLiveCheck, probedWorkloads } from "../exercises/live-plan";
import type { ExerciseTask } from "../labs/exercise";
import type { HintCounter } from "../exercises/hints-shown";
import type { CheckCluster } from "./check-cluster";
import type { Io } from "./command";
import { exitCode, matched } from "./exit";
import type { CheckTarget } from "./check-target";
import { reason } from "./explain-shared";

export interface LiveDeps {
  cluster(kubeconfig: string, io: Io): Promise<CheckCluster>;
  /** `kind get kubeconfig --name <cluster>`; absent where there is no kind (a terminal), whose targets name their kubeconfig file. */
  kindKubeconfig?(clusterName: string, io: Io): Promise<string>;
  /** The probe program as one JavaScript file, for the Jobs' ConfigMap. */
  probeBundle(): string;
}

const say = (io: Io, line: string) => io.stderr(`cnilab check: ${line}\n`);

export async function runLiveCheck(ex: ExerciseTask, target: CheckTarget, o: { json: boolean }, io: Io, hints: HintCounter, deps: LiveDeps): Promise<number> {
  const { backend, name } = target;
  if (target.runs !== undefined) {
    say(io, `warning: the cluster of ${name} runs ${target.runs}, not exercise ${ex.name}: its pods may not be where the exercise has them (a stack with cnilab:exercise: ${ex.name} runs them)`);
  }
  const kubeconfig = await readKubeconfig(target, io, deps);
  if (kubeconfig === undefined) return exitCode("not-up");
  const namespaces = [...new Set(["default", ...ex.setting.namespaces.map((n) => n.name), ...ex.clusterPods.map((p) => p.namespace)])];
  let cluster: CheckCluster;
  let read: { policies: Awaited<ReturnType<CheckCluster["policies"]>>; addresses: Record<string, string[]>; node: string };
  try {
    cluster = await deps.cluster(kubeconfig, io);
    const policies = await cluster.policies(namespaces);
    const workloads = probedWorkloads(ex);
    const addresses = Object.fromEntries(await Promise.all(workloads.map(async (w) => [w.key, await cluster.podAddresses(w.namespace, w.labels)] as const)));
    read = { policies, addresses, node: await cluster.probeNode() };
  } catch (err) {
    say(io, `cannot read the cluster of ${name}: ${reason(err)} (is it up? ${target.bringUp})`);
    return exitCode("not-up");
  }
  for (const [key, ips] of Object.entries(read.addresses)) if (ips.length === 0) say(io, `warning: ${key} has no ready pod: its probes report an error (is the exercise's lab deployed as written?)`);
  say(io, `${read.policies.length} NetworkPolic${read.policies.length === 1 ? "y" : "ies"} in ${namespaces.join(", ")}`);
  const grade = gradeExercise(ex, read.policies);
  const plan = planLiveCheck(ex, read.policies, backend, read.addresses, read.node, deps.probeBundle(), target.imageMap);
  let logs: Awaited<ReturnType<CheckCluster["runJobs"]>>;
  try {
    logs = await cluster.runJobs(plan.jobs, (line) => say(io, line));
  } catch (err) {
    say(io, `could not run the probe Jobs in ${name}: ${reason(err)} (does the cluster run the exercise's namespaces? a stack with cnilab:exercise: ${ex.name} does)`);
    return exitCode("not-up");
  }
  const report = verify({ stack: name, backend, probes: plan.probes, skipped: plan.skipped, logs });
  const live = joinLive(ex, grade, report, plan.probes);
  const hint = grade.done ? undefined : hints.next();
  if (o.json) {
    const { grade: g, ...rest } = live;
    io.stdout(`${JSON.stringify({ ...rest, done: g.done, met: g.met, total: g.total, ...(hint ? { hint } : {}) }, null, 1)}\n`);
  } else io.stdout(renderLive(live, hint));
  return matched(live.ok);
}

async function readKubeconfig(t: CheckTarget, io: Io, deps: LiveDeps): Promise<string | undefined> {
  if (t.kubeconfigFile !== undefined) {
    try {
      return readFileSync(t.kubeconfigFile, "utf8");
    } catch (err) {
      say(io, `cannot read the kubeconfig ${t.kubeconfigFile}: ${reason(err)} (is it up? ${t.bringUp})`);
      return undefined;
    }
  }
  if (!deps.kindKubeconfig) {
    say(io, `no kubeconfig for cluster '${t.clusterName}': there is no kind here to ask (${t.bringUp})`);
    return undefined;
  }
  try {
    return await deps.kindKubeconfig(t.clusterName, io);
  } catch (err) {
    say(io, `no kubeconfig for kind cluster '${t.clusterName}' (${reason(err)}): is the lab up? Or pass --kubeconfig`);
    return undefined;
  }
}
