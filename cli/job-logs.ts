import type { AssertionsOutput } from "../plan/outputs";
import { containersWaiting, kubeApi } from "../host/kube";

/**
 * Reads the assertion Jobs' logs from the cluster with @kubernetes/client-node and the stack's
 * kubeconfig. A Job whose pod is missing, not finished, or whose log cannot be read yields a reason
 * instead of text, and `verify` reports each of its probes as an error.
 */
export type JobLogs = Record<string, { text: string } | { missing: string }>;

export async function readJobLogs(kubeconfig: string, jobs: AssertionsOutput["jobs"]): Promise<JobLogs> {
  const { k8s, kc } = await kubeApi(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const logs: JobLogs = {};
  await Promise.all(
    jobs.map(async (job) => {
      try {
        // Kubernetes labels a Job's pods with job-name=<job>; the newest pod is the last run.
        const pods = await core.listNamespacedPod({ namespace: job.namespace, labelSelector: `job-name=${job.name}` });
        const pod = [...pods.items].sort((a, b) => createdAt(a) - createdAt(b)).pop();
        if (!pod?.metadata?.name) {
          logs[job.client] = { missing: `no pod for Job ${job.namespace}/${job.name} (kubectl -n ${job.namespace} describe job ${job.name})` };
          return;
        }
        const phase = pod.status?.phase;
        const waiting = phase === "Succeeded" || phase === "Failed" ? undefined : containersWaiting(pod, "probe");
        if (waiting !== undefined) {
          // Its log cannot be read yet (the API answers 400), and the pod goes once the Job is removed: say why here.
          logs[job.client] = { missing: `pod ${pod.metadata.name} is ${phase ?? "in an unknown phase"}: its probe container is waiting (${waiting})` };
          return;
        }
        const text = await core.readNamespacedPodLog({ name: pod.metadata.name, namespace: job.namespace, container: "probe" });
        // A pod still running has a partial log: the parser turns its missing lines into errors.
        logs[job.client] = phase === "Succeeded" || text.length > 0 ? { text } : { missing: `pod ${pod.metadata.name} is ${phase ?? "in an unknown phase"} with no log yet` };
      } catch (err) {
        logs[job.client] = { missing: `cannot read Job ${job.namespace}/${job.name}: ${(err as Error).message.split("\n")[0]}` };
      }
    }),
  );
  return logs;
}

/**
 * A pod's creation time in ms. client-node turns `creationTimestamp` into a `Date`, whose text
 * ("Mon Nov 30 …") does not sort by time, so pods are ordered by the instant; a pod with no
 * timestamp sorts first.
 */
function createdAt(pod: { metadata?: { creationTimestamp?: Date | string } }): number {
  const at = pod.metadata?.creationTimestamp;
  const ms = at === undefined ? Number.NaN : new Date(at).getTime();
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}
