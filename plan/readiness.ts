import type { K8sObject, Readiness } from "../backends";
import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import type { IContainer } from "kubernetes-models/v1/Container" with { "resolution-mode": "import" };
import { IMAGE_FACTS, IMAGES } from "../pins";
import { jobAwaitAnnotations } from "../assertions/job-await";

/**
 * `up` finishes only when the CNI really works. kind's `--wait` is no help (it only warns on timeout
 * and exits 0), and the CNI's pods are created by Helm or an operator that nothing awaits. So a Job,
 * which Pulumi awaits until Complete (and fails on Failed), runs kubectl inside the cluster: every node
 * Ready, every CNI DaemonSet rolled out, calico's TigeraStatus Available. hostNetwork: it must run
 * before any pod network exists.
 *
 * registry.k8s.io/kubectl has no shell (pins/image-facts.ts), so every step is its own container
 * running kubectl directly, in order: init containers, the last step as the pod's container. A failed
 * step names itself: its container name says what it waited for, kubectl's own error becomes its
 * termination message (FallbackToLogsOnError), and the pod's annotation `cnilab.io/if-a-step-fails`
 * says for every container what did not become ready and where to look — all in
 * `kubectl -n kube-system describe pod -l job-name=cnilab-cni-ready`.
 */
export const READINESS_NAME = "cnilab-cni-ready";
const NAMESPACE = "kube-system";
/** The Job's activeDeadlineSeconds: the bound on the whole wait, image pulls on a cold laptop included. */
export const READINESS_DEADLINE_SECONDS = 600;
/** Scheduling and pulling the kubectl image before the first step starts. */
export const READINESS_START_SECONDS = 90;
/** Creating and starting each step's container. */
export const READINESS_STEP_START_SECONDS = 5;
/**
 * Pulumi's own wait on the Job outlasts the deadline, so the Job fails with its reason
 * (DeadlineExceeded, or the failed step) before Pulumi gives up with a bare timeout.
 */
export const READINESS_PULUMI_TIMEOUT_SECONDS = READINESS_DEADLINE_SECONDS + 60;
export const NOT_READY_ANNOTATION = "cnilab.io/if-a-step-fails";

export interface ReadinessStep {
  /** The container's name: what the step waits for, as `kubectl describe` shows it. */
  name: string;
  what: string;
  /** Where to look when it does not become ready. */
  look: string;
  /** kubectl's --timeout for this step. */
  timeoutSeconds: number;
  /** The container's command (kubectl only: the image has nothing else). */
  command: string[];
}

/** A DNS-1123 label: a container name. */
const label = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, "-").slice(0, 63).replace(/-+$/, "");

/**
 * The steps, each with a share of the deadline left after start-up. A step cannot hand time it did
 * not use to the next one (no shell to measure it), so the shares are fixed and add up to at most the
 * deadline: a step that times out prints its own error instead of being killed by the deadline. The
 * nodes and calico's TigeraStatus get a double share: nodes stay NotReady until the CNI has written its
 * config, and calico's operator brings up several components before it reports Available.
 */
export function readinessSteps(r: Readiness): ReadinessStep[] {
  // The image's only executable, where its ENTRYPOINT names it.
  const kubectl = IMAGE_FACTS.kubectl.executables[0]!;
  const planned = [
    {
      name: "nodes-ready",
      what: "every node to be Ready",
      look: "nodes stay NotReady until the CNI writes its config: kubectl describe nodes; kubectl get pods -A -o wide",
      weight: 2,
      command: (t: number) => [kubectl, "wait", "--for=condition=Ready", "nodes", "--all", `--timeout=${t}s`],
    },
    ...r.daemonSets.map((d) => ({
      name: label(`rollout-${d.namespace}-${d.name}`),
      what: `DaemonSet ${d.namespace}/${d.name} rolled out`,
      look: `kubectl -n ${d.namespace} describe ds/${d.name}; kubectl -n ${d.namespace} logs ds/${d.name} --all-containers`,
      weight: 1,
      command: (t: number) => [kubectl, "-n", d.namespace, "rollout", "status", `ds/${d.name}`, `--timeout=${t}s`],
    })),
    // The operator creates its TigeraStatus only once it reconciles the Installation, and `kubectl wait
    // --for=condition` fails at once on an object that does not exist yet (no shell to retry it), so
    // first wait for it to be created (`--for=create`, kubectl ≥ 1.31; checked with kubectl v1.34.0 built
    // from k8s.io/kubernetes: `kubectl wait --help` lists it).
    ...r.tigeraStatus.map((s) => ({
      name: label(`tigerastatus-${s}-created`),
      what: `tigerastatus/${s} to be created by the operator`,
      look: "kubectl get installation default -o yaml; kubectl -n tigera-operator logs deploy/tigera-operator",
      weight: 1,
      command: (t: number) => [kubectl, "wait", "--for=create", `tigerastatus/${s}`, `--timeout=${t}s`],
    })),
    ...r.tigeraStatus.map((s) => ({
      name: label(`tigerastatus-${s}`),
      what: `tigerastatus/${s} Available`,
      look: "kubectl get tigerastatus; kubectl -n tigera-operator logs deploy/tigera-operator",
      weight: 2,
      command: (t: number) => [kubectl, "wait", "--for=condition=Available", `tigerastatus/${s}`, `--timeout=${t}s`],
    })),
  ];
  const left = READINESS_DEADLINE_SECONDS - READINESS_START_SECONDS - planned.length * READINESS_STEP_START_SECONDS;
  const weights = planned.reduce((sum, p) => sum + p.weight, 0);
  return planned.map(({ weight, command, ...step }) => {
    const timeoutSeconds = Math.floor((left * weight) / weights);
    return { ...step, timeoutSeconds, command: command(timeoutSeconds) };
  });
}

export function planReadiness(r: Readiness): K8sObject[] {
  const labels = { "app.kubernetes.io/name": READINESS_NAME, "app.kubernetes.io/part-of": "cnilab" };
  const meta = { name: READINESS_NAME, namespace: NAMESPACE, labels };
  const steps = readinessSteps(r);
  const containers: IContainer[] = steps.map((s) => ({
    name: s.name,
    image: IMAGES.kubectl,
    command: s.command,
    terminationMessagePolicy: "FallbackToLogsOnError",
  }));
  const notReady = steps.map((s) => `${s.name}: NOT READY: ${s.what} within ${s.timeoutSeconds}s. Look: ${s.look}`).join("\n");
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
      metadata: { ...meta, annotations: jobAwaitAnnotations(READINESS_PULUMI_TIMEOUT_SECONDS) },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: READINESS_DEADLINE_SECONDS,
        template: {
          metadata: { labels, annotations: { [NOT_READY_ANNOTATION]: notReady } },
          spec: {
            serviceAccountName: READINESS_NAME,
            hostNetwork: true,
            restartPolicy: "Never",
            tolerations: [{ operator: "Exists" }],
            // Init containers run one at a time, in order; the pod fails at the first that fails.
            initContainers: containers.slice(0, -1),
            containers: containers.slice(-1),
          },
        },
      },
    } satisfies IJob) as K8sObject,
  ];
}

/** What explainReadinessPod reads of the readiness Job's pod (as the API returns it). */
export interface ReadinessPod {
  metadata?: { annotations?: Record<string, string> };
  status?: { initContainerStatuses?: ContainerStatusView[]; containerStatuses?: ContainerStatusView[] };
}
interface ContainerStatusView {
  name: string;
  state?: { terminated?: { exitCode: number; message?: string }; running?: object; waiting?: { reason?: string } };
}

/**
 * The step the readiness pod stopped at, in words: its NOT READY line (from the pod's annotation) and
 * what kubectl said (its termination message). The step is the first that failed, or, when the
 * deadline cut the pod short, the first that had not finished. Empty when every step succeeded.
 */
export function explainReadinessPod(pod: ReadinessPod): string[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const done = (s: ContainerStatusView) => s.state?.terminated?.exitCode === 0;
  const failed = statuses.find((s) => s.state?.terminated && !done(s)) ?? statuses.find((s) => !done(s));
  if (!failed) return [];
  const lines = (pod.metadata?.annotations?.[NOT_READY_ANNOTATION] ?? "").split("\n");
  const notReady = lines.find((l) => l.startsWith(`${failed.name}: `))?.slice(failed.name.length + 2) ?? `NOT READY: step ${failed.name}`;
  const said = failed.state?.terminated?.message?.trim().split("\n").at(-1);
  const waiting = failed.state?.waiting;
  const state = failed.state?.terminated ? undefined : waiting ? `waiting (${waiting.reason ?? "no reason given"})` : failed.state?.running ? "still running when the Job's deadline passed" : "not started";
  return [`step ${failed.name}: ${notReady}`, ...(said ? [`kubectl said: ${said}`] : []), ...(state ? [`the step was ${state}`] : [])];
}
