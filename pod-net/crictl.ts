/**
 * What crictl prints about pod sandboxes, as plain data. Pure.
 *
 * - `crictl pods -o json`: `{"items": [...]}`, each a CRI PodSandbox in protobuf JSON (camelCase:
 *   id, metadata{name, uid, namespace, attempt}, state SANDBOX_READY | SANDBOX_NOTREADY, createdAt
 *   in nanoseconds as a string) — kubernetes/cri-api v0.34.0 pkg/apis/runtime/v1/api.proto
 *   (PodSandbox, PodSandboxState); crictl v1.34.0 `pods --label`, `-o json` (its --help).
 * - `crictl inspectp -o json <id>`: `{"status": PodSandboxStatus, "info": {...}}`; status.network.ip
 *   is the pod IP ("" for a host-network sandbox: containerd does not report it, containerd v2
 *   internal/cri/server/sandbox_status.go getIPs); info is containerd's SandboxInfo: pid,
 *   processStatus, netNamespaceClosed, image (the pause image), runtimeSpec (the OCI spec, whose
 *   linux.namespaces entry of type "network" carries the netns path) — containerd v2
 *   internal/cri/server/podsandbox/types/podsandbox.go (SandboxInfo).
 */

export interface SandboxSummary {
  id: string;
  name: string;
  namespace: string;
  uid: string;
  ready: boolean;
  /** Nanoseconds since the epoch, to pick the newest of several attempts. */
  createdAt: bigint;
}

export interface SandboxDetail {
  id: string;
  ready: boolean;
  /** The pod IP as the runtime recorded it from the CNI result. */
  ip?: string;
  /** The pause process: the first process of the sandbox, holding its namespaces. */
  pid?: number;
  processStatus?: string;
  /** The sandbox (pause) image. */
  image?: string;
  /** e.g. /var/run/netns/cni-…; absent for a host-network sandbox (no network namespace of its own). */
  netnsPath?: string;
  netnsClosed: boolean;
}

interface RawPod {
  id?: string;
  metadata?: { name?: string; namespace?: string; uid?: string };
  state?: string;
  createdAt?: string | number;
}

interface RawInspect {
  status?: { id?: string; state?: string; network?: { ip?: string } };
  info?: {
    pid?: number;
    processStatus?: string;
    netNamespaceClosed?: boolean;
    image?: string;
    runtimeSpec?: { linux?: { namespaces?: { type?: string; path?: string }[] } };
  };
}

function parseObject(json: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`\`${source}\` printed no JSON (${(err as Error).message}): ${json.slice(0, 120)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`\`${source}\` printed JSON that is not an object: ${json.slice(0, 120)}`);
  return value as Record<string, unknown>;
}

const READY = "SANDBOX_READY";

export function parseCrictlPods(json: string, source = "crictl pods -o json"): SandboxSummary[] {
  const items = (parseObject(json, source).items ?? []) as RawPod[];
  return items.map((p) => ({
    id: p.id ?? "",
    name: p.metadata?.name ?? "",
    namespace: p.metadata?.namespace ?? "",
    uid: p.metadata?.uid ?? "",
    ready: p.state === READY,
    createdAt: BigInt(p.createdAt ?? 0),
  }));
}

/** The sandbox of the pod with this uid: the ready one, else the newest (kubelet makes a new one per attempt). */
export function pickSandbox(sandboxes: readonly SandboxSummary[], uid: string): SandboxSummary | undefined {
  const own = sandboxes.filter((s) => s.uid === uid).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return own.find((s) => s.ready) ?? own[0];
}

export function parseInspectp(json: string, source = "crictl inspectp -o json"): SandboxDetail {
  const raw = parseObject(json, source) as RawInspect;
  const info = raw.info ?? {};
  const netns = info.runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network");
  return {
    id: raw.status?.id ?? "",
    ready: raw.status?.state === READY,
    ...(raw.status?.network?.ip ? { ip: raw.status.network.ip } : {}),
    // pid 0: the task is gone (containerd reports 0 with processStatus "deleted").
    ...(info.pid ? { pid: info.pid } : {}),
    ...(info.processStatus ? { processStatus: info.processStatus } : {}),
    ...(info.image ? { image: info.image } : {}),
    ...(netns?.path ? { netnsPath: netns.path } : {}),
    netnsClosed: info.netNamespaceClosed === true,
  };
}
