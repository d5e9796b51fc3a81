import type { K8sObject } from "../backends";
import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import { PROBE_NODE_IMAGE } from "../probe/image";
import type { ProbePlan } from "../probe/types";
import { planBoundSeconds } from ".";
import type { ProbeClient } from "./types";

/**
 * One Job per source identity. Its pod carries exactly the client's labels (the ones the policies
 * select on; Kubernetes adds only its job-name/controller-uid labels), runs on the chosen node, and
 * runs our probe program from a pinned Node image with the bundled program and the plan mounted from a
 * ConfigMap: no image of our own to build or push.
 */
export const JOB_PREFIX = "cnilab-probe-";
/** Pulumi waits for the Job beyond the plan's own bound: image pull and scheduling. */
const STARTUP_ALLOWANCE_SECONDS = 180;

export function jobName(client: string): string {
  return `${JOB_PREFIX}${client}`.slice(0, 63).replace(/-+$/, "");
}

export function planAssertionJob(client: ProbeClient, plan: ProbePlan, probeBundle: string): K8sObject[] {
  const name = jobName(client.name);
  const bound = planBoundSeconds(plan) + STARTUP_ALLOWANCE_SECONDS;
  const configMap: K8sObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: client.namespace },
    data: { "probe.js": probeBundle, "plan.json": JSON.stringify(plan, null, 1) },
  };
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: client.namespace,
      // Pulumi awaits Complete and fails fast on Failed; this bounds the wait with a clear error.
      annotations: { "pulumi.com/timeoutSeconds": String(bound) },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: bound,
      template: {
        metadata: { labels: client.labels },
        spec: {
          restartPolicy: "Never",
          nodeSelector: { "kubernetes.io/hostname": client.node },
          containers: [
            {
              name: "probe",
              image: PROBE_NODE_IMAGE,
              command: ["node", "/cnilab/probe.js", "--plan", "/cnilab/plan.json"],
              volumeMounts: [{ name: "probe", mountPath: "/cnilab", readOnly: true }],
            },
          ],
          volumes: [{ name: "probe", configMap: { name } }],
        },
      },
    },
  } satisfies IJob;
  return [configMap, job as K8sObject];
}
