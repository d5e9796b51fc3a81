import type { IConfigMap } from "kubernetes-models/v1/ConfigMap" with { "resolution-mode": "import" };
import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import { jobAwaitAnnotations } from "./job-await";
import { IMAGES } from "../pins";
import { mapImagesIn, type ImageMap } from "../pins/image-map";
import { PROBE_TIMING, worstCaseMs } from "../verdict/timing";
import { PROBE_CONCURRENCY } from "./index";
import { contentHash, PROBE_HASH_ANNOTATION } from "./hash";
import { RESOLVED_TARGETS_NAME, TARGETS_FILE } from "./targets";
import type { ProbeClient } from "./types";

/**
 * One Job per source identity. Its pod carries exactly the client's labels (the ones the policies
 * select on; Kubernetes adds only its job-name/controller-uid labels), runs on the chosen node, and
 * runs our probe program from a pinned Node image, with the bundled program and the plan mounted from
 * a ConfigMap: no image of our own to build or push.
 */
export const JOB_PREFIX = "cnilab-probe-";
/** Pulumi waits for the Job beyond the probes' own bound: image pull and scheduling. */
const STARTUP_ALLOWANCE_SECONDS = 180;
/** Annotation on the pod template carrying the plan's hash: a new plan replaces (re-runs) the Job. */
export const PLAN_HASH_ANNOTATION = "cnilab.io/plan-sha256";

/** A Job's name for a client: the prefix (JOB_PREFIX for `up`'s Jobs), then the client, within 63 characters. */
export function jobName(client: string, prefix = JOB_PREFIX): string {
  return `${prefix}${client}`.slice(0, 63).replace(/-+$/, "");
}

/** Worst case for `probes` probes: ceil(n / concurrency) rounds of every attempt timing out. */
export function probeBoundSeconds(probes: number): number {
  const rounds = Math.ceil(probes / PROBE_CONCURRENCY);
  return Math.ceil((rounds * worstCaseMs(PROBE_TIMING.cluster)) / 1000);
}

export interface AssertionJobObjects {
  /** Without `plan.json`: the plan holds addresses known only at deploy time, merged in by the component. */
  configMap: IConfigMap & { metadata: { name: string; namespace: string } };
  job: IJob & { metadata: { name: string; namespace: string } };
}

/**
 * Where a Job's objects go: its name (also its ConfigMap's) and the ConfigMap its probe reads the
 * targets from. `up` runs one Job per client beside the targets resolver's ConfigMap; `cnilab check`
 * runs its own, named apart so it never replaces a Job Pulumi manages, with the targets in its own ConfigMap.
 */
export interface AssertionJobNames {
  name: string;
  targets: string;
}

/** The Job's bound in seconds: its probes' worst case plus image pull and scheduling. */
export function assertionJobBoundSeconds(maxProbes: number): number {
  return probeBoundSeconds(maxProbes) + STARTUP_ALLOWANCE_SECONDS;
}

/** `maxProbes` bounds the wait: the client's probes once every target's pods are counted. Images through the stack's map. */
export function planAssertionJob(
  client: ProbeClient,
  maxProbes: number,
  probeBundle: string,
  planHash: string,
  imageMap: ImageMap,
  names: AssertionJobNames = { name: jobName(client.name), targets: RESOLVED_TARGETS_NAME },
): AssertionJobObjects {
  const { name } = names;
  const bound = assertionJobBoundSeconds(maxProbes);
  return mapImagesIn<AssertionJobObjects>({
    configMap: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: client.namespace }, data: { "probe.js": probeBundle } },
    job: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: client.namespace,
        // Pulumi awaits Complete and fails fast on Failed; this bounds the wait with a clear error.
        annotations: jobAwaitAnnotations(bound),
      },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: bound,
        template: {
          metadata: { labels: client.labels, annotations: { [PLAN_HASH_ANNOTATION]: planHash, [PROBE_HASH_ANNOTATION]: contentHash(probeBundle) } },
          spec: {
            restartPolicy: "Never",
            nodeSelector: { "kubernetes.io/hostname": client.node },
            // A check's writers and sidecars (assertions/checks.ts) start first; a sidecar is stopped once the probe exits.
            ...(client.pod?.initContainers.length ? { initContainers: client.pod.initContainers } : {}),
            containers: [
              {
                name: "probe",
                image: IMAGES.node,
                command: ["node", "/cnilab/probe.js", "--plan", "/cnilab/plan.json", "--targets", `/cnilab-targets/${TARGETS_FILE}`],
                volumeMounts: [
                  { name: "probe", mountPath: "/cnilab", readOnly: true },
                  { name: "targets", mountPath: "/cnilab-targets", readOnly: true },
                  ...(client.pod?.volumeMounts ?? []),
                ],
              },
            ],
            // The targets ConfigMap is written by the resolver Job (assertions/targets.ts), which completes first.
            volumes: [
              { name: "probe", configMap: { name } },
              { name: "targets", configMap: { name: names.targets } },
              ...(client.pod?.volumes ?? []),
            ],
          },
        },
      },
    },
  }, imageMap);
}
