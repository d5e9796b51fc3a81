/**
 * The node cleanup as Kubernetes objects: one Job per node, pinned to it by nodeName, that enters the
 * node's mount namespace and runs the cleanup script there with the node's own sh, iproute2 and
 * iptables (kind's node image has them; BusyBox has neither `ip -d` nor iptables). Pure.
 *
 * The image is the probe image every cluster stack already runs (its assertion Jobs), so it is in
 * `cnilab plan --images` and `cnilab:imageMap` can map it; its Alpine BusyBox has `nsenter`.
 *
 * - nodeName, not a selector: the scheduler is bypassed, and after the old CNI is gone every node
 *   is NotReady (tainted node.kubernetes.io/not-ready:NoSchedule, hence the toleration too).
 * - hostNetwork: a pod on the pod network needs the CNI that is being removed; the node's devices,
 *   routes and chains are in the node's network namespace anyway.
 * - hostPID + `nsenter -t 1 -m`: PID 1 is the node's init, so its mount namespace is the node's
 *   file system (/etc/cni/net.d, /run/flannel, /var/lib/cni, /opt/cni/bin).
 * - privileged: deleting links and routes needs CAP_NET_ADMIN, entering a mount namespace CAP_SYS_ADMIN.
 */
import type { K8sObject } from "../backends";
import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import { IMAGES, mapImage, type ImageMap } from "../pins";

export const CLEANUP_NAMESPACE = "kube-system";
export const CLEANUP_LABELS = { "app.kubernetes.io/name": "cnilab-cni-cleanup", "app.kubernetes.io/managed-by": "cnilab" } as const;
/** Every node's cleanup finishes in a second or two; a Job still running after this is stuck. */
export const CLEANUP_DEADLINE_SECONDS = 120;

/** `cnilab-cni-cleanup-<n>`: the node's index keeps the name short (a node name can be 63 characters alone). */
export function cleanupJobName(index: number): string {
  return `cnilab-cni-cleanup-${index}`;
}

export function cleanupJobs(nodes: readonly string[], script: string, imageMap: ImageMap): K8sObject[] {
  return nodes.map((node, index) => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: cleanupJobName(index), namespace: CLEANUP_NAMESPACE, labels: { ...CLEANUP_LABELS, "cnilab.io/node": node } },
      spec: {
        // Not retried: the script is safe to repeat, but a failure should be read, not hidden by a second run.
        backoffLimit: 0,
        activeDeadlineSeconds: CLEANUP_DEADLINE_SECONDS,
        template: {
          metadata: { labels: { ...CLEANUP_LABELS } },
          spec: {
            nodeName: node,
            hostNetwork: true,
            hostPID: true,
            restartPolicy: "Never",
            tolerations: [{ operator: "Exists" }],
            containers: [
              {
                name: "cleanup",
                image: mapImage(imageMap, IMAGES.node),
                // Into PID 1's mount namespace; `--` ends nsenter's options, the rest runs on the node.
                command: ["nsenter", "-t", "1", "-m", "--", "/bin/sh", "-c", script],
                securityContext: { privileged: true },
              },
            ],
          },
        },
      },
    } satisfies IJob;
    return job as K8sObject;
  });
}
