import type { K8sObject, Readiness } from "../backends";
import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import { jobAwaitAnnotations } from "./job-await";
import { IMAGES } from "../pins";

/**
 * `up` finishes only when the CNI really works. kind's `--wait` is no help (it only warns on timeout
 * and exits 0), and the CNI's pods are created by Helm or an operator that nothing awaits. So a Job,
 * which Pulumi awaits until Complete (and fails on Failed), runs kubectl inside the cluster: every node
 * Ready, every CNI DaemonSet rolled out, calico's TigeraStatus Available. On a timeout its log says what
 * did not become ready and where to look. hostNetwork: it must run before any pod network exists.
 */
export const READINESS_NAME = "cnilab-cni-ready";
const NAMESPACE = "kube-system";
/** Bound on the whole wait; image pulls on a cold laptop dominate it. */
export const READINESS_TIMEOUT_SECONDS = 600;

export function readinessScript(r: Readiness): string {
  const step = (what: string, cmd: string, hint: string) =>
    `echo "cnilab: waiting for ${what}"\n${cmd} || { echo "cnilab: NOT READY: ${what}. ${hint}"; exit 1; }`;
  const lines = [
    "set -u",
    step(
      "every node to be Ready",
      "kubectl wait --for=condition=Ready nodes --all --timeout=300s",
      "Nodes stay NotReady until the CNI writes its config: kubectl describe nodes; kubectl get pods -A -o wide",
    ),
    ...r.daemonSets.map((d) =>
      step(`DaemonSet ${d.namespace}/${d.name}`, `kubectl -n ${d.namespace} rollout status ds/${d.name} --timeout=300s`, `kubectl -n ${d.namespace} describe ds/${d.name}; kubectl -n ${d.namespace} logs ds/${d.name} --all-containers`),
    ),
    ...r.tigeraStatus.map((t) =>
      step(`tigerastatus/${t} Available`, `kubectl wait --for=condition=Available tigerastatus/${t} --timeout=400s`, `kubectl get tigerastatus; kubectl -n tigera-operator logs deploy/tigera-operator`),
    ),
    'echo "cnilab: CNI ready"',
  ];
  return lines.join("\n");
}

export function planReadiness(r: Readiness): K8sObject[] {
  const labels = { "app.kubernetes.io/name": READINESS_NAME, "app.kubernetes.io/part-of": "cnilab" };
  const meta = { name: READINESS_NAME, namespace: NAMESPACE, labels };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: READINESS_NAME, labels },
      rules: [
        { apiGroups: [""], resources: ["nodes", "pods"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["apps"], resources: ["daemonsets"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["operator.tigera.io"], resources: ["tigerastatuses"], verbs: ["get", "list", "watch"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: READINESS_NAME, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: READINESS_NAME },
      subjects: [{ kind: "ServiceAccount", name: READINESS_NAME, namespace: NAMESPACE }],
    },
    ({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { ...meta, annotations: jobAwaitAnnotations(READINESS_TIMEOUT_SECONDS) },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: READINESS_TIMEOUT_SECONDS,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: READINESS_NAME,
            hostNetwork: true,
            restartPolicy: "Never",
            tolerations: [{ operator: "Exists" }],
            containers: [{ name: "wait", image: IMAGES.kubectl, command: ["/bin/bash", "-c", readinessScript(r)] }],
          },
        },
      },
    } satisfies IJob) as K8sObject,
  ];
}
