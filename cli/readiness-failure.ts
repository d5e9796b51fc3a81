import { runProcess } from "../host/run";
import { explainReadinessPod, READINESS_NAME, type ReadinessPod } from "../plan/readiness";
import { kubeApi } from "../host/kube";

/** Asking kind and the API server about a failed `up` must not keep the user waiting long. */
const BOUND_MS = 15_000;

/**
 * After a failed `up` of a cluster lab: where the CNI readiness Job stopped, if it ran and failed,
 * read from the cluster (kind's kubeconfig for it, then the Job's newest pod). Anything that cannot
 * be read (no cluster yet, no pod, an unreachable API) gives no lines: it never hides the real failure.
 */
export async function readinessFailure(kindPath: string, cluster: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const got = await runProcess(kindPath, ["get", "kubeconfig", "--name", cluster], env, BOUND_MS);
  if (got.code !== 0) return [];
  try {
    const { k8s, kc } = await kubeApi(got.stdout);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pods = await Promise.race([
      core.listNamespacedPod({ namespace: "kube-system", labelSelector: `job-name=${READINESS_NAME}` }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), BOUND_MS).unref()),
    ]);
    const created = (p: (typeof pods.items)[number]) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
    const newest = [...pods.items].sort((a, b) => created(a) - created(b)).pop();
    return newest ? explainReadinessPod(newest as ReadinessPod) : [];
  } catch {
    return [];
  }
}
