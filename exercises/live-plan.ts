/**
 * The live check's probes, as data: the exercise's goal cells to lab workloads become the same
 * policy probes `up` plans for a scenario (assertions/policy-probes.ts: the engine's verdict on the
 * cluster's policies through the backend's enforcement model), each pod of the target probed by
 * IP from a Job carrying the client's labels. The Jobs are the assertion Jobs (assertions/jobs.ts)
 * under names of their own, so a check never replaces what `up` made, with the targets' addresses
 * read from the API beside the plan in their ConfigMap.
 */
import { contentHash } from "../assertions/hash";
import { clientProbePlan, resolveProbes, type ProbeClient, type ResolvedProbe } from "../assertions";
import { assertionJobBoundSeconds, jobName, planAssertionJob, type AssertionJobObjects } from "../assertions/jobs";
import { planPolicyProbes } from "../assertions/policy-probes";
import { TARGETS_FILE } from "../assertions/targets";
import type { BackendFacts } from "../backends";
import type { ExerciseTask } from "../labs/exercise";
import type { NetworkPolicyObject } from "../labs";
import type { ImageMap } from "../pins/image-map";
import type { NetworkPolicyLike } from "../policy";
import type { SkippedProbe } from "../verdict/types";

/** Before the client's name: apart from `up`'s cnilab-probe-<client> (assertions/jobs.ts JOB_PREFIX). */
const CHECK_JOB_PREFIX = "cnilab-check-";

export interface LiveJob {
  client: ProbeClient;
  objects: AssertionJobObjects;
  /** Bound on the Job, seconds (its activeDeadlineSeconds). */
  boundSeconds: number;
}

export interface LivePlan {
  probes: ResolvedProbe[];
  skipped: SkippedProbe[];
  jobs: LiveJob[];
}

/** "namespace/workload" of every goal target that is a lab workload: whose pods' addresses the check reads. */
export function probedWorkloads(ex: ExerciseTask): { key: string; namespace: string; labels: Record<string, string> }[] {
  const targets = new Set(ex.goal.map((c) => c.to));
  return ex.setting.workloads.filter((w) => targets.has(w.name)).map((w) => ({ key: `${w.namespace}/${w.name}`, namespace: w.namespace, labels: w.labels }));
}

/**
 * `addresses`: "namespace/workload" → its ready pods' IPs, as read from the API. `node`: where the
 * Jobs run. A target with fewer ready pods than its replicas leaves the missing probes to report
 * an error (probe/endpoints.ts), never a pass.
 */
export function planLiveCheck(
  ex: ExerciseTask,
  clusterPolicies: readonly NetworkPolicyLike[],
  backend: BackendFacts,
  addresses: Readonly<Record<string, readonly string[]>>,
  node: string,
  probeBundle: string,
  imageMap: ImageMap,
): LivePlan {
  const [scenario] = ex.setting.scenarios;
  const lab = { ...ex.setting, scenarios: [{ ...scenario!, policies: clusterPolicies as NetworkPolicyObject[] }] };
  const planned = planPolicyProbes(lab, backend);
  // Pods by IP only: a Service by name needs DNS first, which the exercise's own egress policies
  // may block, and that would show as dns-error rather than the verdict on the connection.
  const byIp = planned.probes.filter((p) => p.target.kind === "pods");
  const { probes, unresolved } = resolveProbes(byIp, { serviceIps: {}, nodeIps: {} });
  const skipped = [...planned.skipped.filter((s) => !s.id.endsWith("-svc")), ...unresolved];
  const targets = JSON.stringify(Object.fromEntries(probedWorkloads(ex).map((w) => [w.key, addresses[w.key] ?? []])), null, 1);
  const jobs = ex.setting.clients.flatMap((c): LiveJob[] => {
    const own = probes.filter((p) => p.client === c.name);
    if (own.length === 0) return [];
    const client: ProbeClient = { name: c.name, namespace: c.namespace, labels: c.labels, node };
    const plan = JSON.stringify(clientProbePlan(c.name, own));
    const name = jobName(c.name, CHECK_JOB_PREFIX);
    const objects = planAssertionJob(client, own.length, probeBundle, contentHash(plan), imageMap, { name, targets: name });
    objects.configMap.data = { ...objects.configMap.data, "plan.json": plan, [TARGETS_FILE]: targets };
    return [{ client, objects, boundSeconds: assertionJobBoundSeconds(own.length) }];
  });
  return { probes, skipped, jobs };
}
