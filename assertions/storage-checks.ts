import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim" with { "resolution-mode": "import" };
import type { IVolume } from "kubernetes-models/v1/Volume" with { "resolution-mode": "import" };
import type { K8sObject } from "../backends";
import type { LabCheck } from "../labs";
import { IMAGES, KIND_STORAGE } from "../pins";
import { CHECK_NAMESPACE, checkBasis, checkClient, type CheckNodes, type CheckPart } from "./check-pods";
import { jobAwaitAnnotations, JOB_TIMEOUT_ANNOTATION } from "./job-await";
import type { AssertedProbe } from "./types";

/**
 * Seed 003's volumes, each written by one container and read by the probe in another: an emptyDir
 * two containers of one pod share; a hostPath written on node A, there on A and not on B; a claim on
 * kind's `standard` StorageClass written by a Job whose pod then ends, read by a new pod. A writer
 * writes a line naming itself, and the probe reads the file back (`found` only with that text).
 */

/** host-path: a directory no kind node image uses. */
export const HOST_PATH = "/var/local/cnilab-storage";
/** persistent-volume: local-path ignores the size (a plain directory), but a claim must request one. */
export const CLAIM_SIZE = "16Mi";
export const CLAIM_NAME = "cnilab-data";
const MARKER = "marker";
/** A writer Job: image pull and scheduling (as the assertion Jobs allow) plus local-path's helper pod making the directory. */
const WRITER_BOUND_SECONDS = 240;
/**
 * The claim's own await: the kubernetes provider counts a claim whose class binds WaitForFirstConsumer
 * as ready once Pending (pulumi/pulumi-kubernetes#3130, 2024-07), so this only bounds an older provider
 * that waits for Bound; the writer Job, registered beside the claim, is what binds it.
 */
const CLAIM_AWAIT_SECONDS = 120;

const HOST_PATH_WRITER = "cnilab-host-path-writer";
const CLAIM_WRITER = "cnilab-pvc-writer";
/** The line each writer writes and its reader must find. */
const writerText = (writer: string, where: string) => `written by ${writer} ${where}`;
const hostPathText = (at: CheckNodes) => writerText(HOST_PATH_WRITER, `on ${at.a}`);
const CLAIM_TEXT = writerText(CLAIM_WRITER, `to claim ${CLAIM_NAME}`);

/** busybox writes the text from the environment, so no quoting meets the shell. */
function writer(name: string, mountPath: string, text: string) {
  return {
    name,
    image: IMAGES.busybox,
    command: ["/bin/sh", "-c", `echo "$TEXT" > ${mountPath}/${MARKER}`],
    env: [{ name: "TEXT", value: text }],
    volumeMounts: [{ name: "data", mountPath }],
  };
}

function writerJob(name: string, node: string, volume: IVolume, text: string): K8sObject {
  const job: IJob = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: CHECK_NAMESPACE, labels: { app: name }, annotations: jobAwaitAnnotations(WRITER_BOUND_SECONDS) },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: WRITER_BOUND_SECONDS,
      template: {
        metadata: { labels: { app: name } },
        spec: { restartPolicy: "Never", nodeSelector: { "kubernetes.io/hostname": node }, containers: [writer("writer", "/data", text)], volumes: [{ ...volume, name: "data" }] },
      },
    },
  };
  return job as K8sObject;
}

const hostPathVolume = (path: string): IVolume => ({ name: "data", hostPath: { path, type: "DirectoryOrCreate" } });
const claimVolume: IVolume = { name: "data", persistentVolumeClaim: { claimName: CLAIM_NAME } };

/** A reader: the probe's pod mounts the volume read-only at /data and reads the marker. */
function fileProbe(id: string, client: string, toLabel: string, text: string, found: boolean, why: string, check: LabCheck["kind"]): AssertedProbe {
  return {
    id,
    group: check,
    client,
    toLabel,
    target: { kind: "file", path: `/data/${MARKER}` },
    port: 0,
    protocol: "file",
    content: text,
    expect: found ? "found" : "missing",
    why,
    basis: checkBasis(check),
  };
}

/** The probe's pod: the volume read-only at /data, after `initContainers`. */
const readerPod = (volume: IVolume, initContainers: ReturnType<typeof writer>[] = []) => ({ initContainers, volumes: [volume], volumeMounts: [{ name: "data", mountPath: "/data", readOnly: true }] });

export function planStorageCheck(c: LabCheck, at: CheckNodes): CheckPart {
  switch (c.kind) {
    case "empty-dir": {
      const text = writerText("the writer container", "of this pod");
      // A regular init container runs to completion before the probe starts: the order is the pod's own.
      const client = checkClient("empty-dir-reader", at.a, readerPod({ name: "data", emptyDir: {} }, [writer("writer", "/data", text)]));
      const why = "an emptyDir is made when its pod starts and lives as long as the pod: every container of the pod that mounts it sees the same directory, so the probe reads what the writer container wrote";
      return { clients: [client], probes: [fileProbe("empty-dir/other-container", client.name, "emptyDir, written by the writer container", text, true, why, c.kind)], skipped: [] };
    }
    case "host-path": {
      const path = c.path ?? HOST_PATH;
      const text = hostPathText(at);
      const same = checkClient("host-path-same-node", at.a, readerPod(hostPathVolume(path)));
      const probes = [fileProbe("host-path/same-node", same.name, `${path} on ${at.a}`, text, true, `hostPath mounts the node's own directory ${path}: the writer Job ran on ${at.a}, and so does this pod`, c.kind)];
      if (!at.b) return { clients: [same], probes, skipped: [{ id: "host-path/other-node", group: c.kind, reason: "needs two workers (cnilab:workers ≥ 2) to have another node" }] };
      const other = checkClient("host-path-other-node", at.b, readerPod(hostPathVolume(path)));
      const why = `hostPath is the node's own filesystem, not shared storage: ${path} on ${at.b} is another directory than on ${at.a} (each kind node is a container with /var of its own), so what the writer wrote on ${at.a} is not there`;
      probes.push(fileProbe("host-path/other-node", other.name, `${path} on ${at.b}`, text, false, why, c.kind));
      return { clients: [same, other], probes, skipped: [] };
    }
    case "persistent-volume": {
      const text = CLAIM_TEXT;
      // Pinned to the writer's node: a local-path volume is a directory on one node, and its
      // PersistentVolume's node affinity admits pods on that node only.
      const reader = checkClient("persistent-volume-reader", at.a, readerPod(claimVolume));
      const why = `the claim's volume outlives the pod that wrote it: ${KIND_STORAGE.provisioner} (kind's ${KIND_STORAGE.storageClass} StorageClass, ${KIND_STORAGE.volumeBindingMode}) made it as a directory under ${KIND_STORAGE.nodePath} on ${at.a}, where the writer Job's pod was scheduled; that pod has ended, and this new pod on the same node mounts the same directory`;
      return { clients: [reader], probes: [fileProbe("persistent-volume/new-pod", reader.name, `claim ${CLAIM_NAME}, new pod on ${at.a}`, text, true, why, c.kind)], skipped: [] };
    }
    default:
      throw new Error(`${c.kind} is not a storage check`);
  }
}

/** The hostPath writer Job, and the claim with its writer Job: registered with the workloads, awaited before any probe. */
export function storageCheckObjects(checks: readonly LabCheck[], at: CheckNodes): K8sObject[] {
  return checks.flatMap((c): K8sObject[] => {
    if (c.kind === "host-path") return [writerJob(HOST_PATH_WRITER, at.a, hostPathVolume(c.path ?? HOST_PATH), hostPathText(at))];
    if (c.kind !== "persistent-volume") return [];
    const claim: IPersistentVolumeClaim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: CLAIM_NAME, namespace: CHECK_NAMESPACE, annotations: { [JOB_TIMEOUT_ANNOTATION]: String(CLAIM_AWAIT_SECONDS) } },
      spec: { storageClassName: KIND_STORAGE.storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: c.size ?? CLAIM_SIZE } } },
    };
    return [claim as K8sObject, writerJob(CLAIM_WRITER, at.a, claimVolume, CLAIM_TEXT)];
  });
}
