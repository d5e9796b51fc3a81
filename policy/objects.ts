/**
 * Kubernetes objects from YAML or JSON text (multi-document YAML, `kind: List` and `*List` as
 * `kubectl get ns,pods,networkpolicies -A -o yaml` prints them) → the engine's input. Pure: the
 * caller reads the file. Every problem names the file, the object and the field.
 */
import { parseIp } from "../ip/cidr";
import { isObj, type Obj } from "./guards";
import { readDocuments } from "./input-gate";
import { DEFAULT_NAMESPACE, parseNetworkPolicy } from "./parse-policy";
import { readPodPorts } from "./pod-ports";
import type { NamespaceInput, NetworkPolicy, PodInput } from "./types";

export interface LoadedObjects {
  namespaces: NamespaceInput[];
  pods: PodInput[];
  policies: NetworkPolicy[];
  /** Things worth telling on stderr that are not errors (ignored kinds, defaulted namespaces). */
  notes: string[];
  /** "file: object: field: message" lines; any problem makes the input unusable. */
  problems: string[];
}

const READ_KINDS = ["Namespace", "Pod", "NetworkPolicy"] as const;
type ReadKind = (typeof READ_KINDS)[number];


/**
 * `seen` carries the objects read so far (by kind, namespace and name → where), across files: a
 * second object of the same identity is a problem naming both places, never a silent replacement.
 */
export function readKubernetesObjects(text: string, file: string, seen: Map<string, string> = new Map()): LoadedObjects {
  const out: LoadedObjects = { namespaces: [], pods: [], policies: [], notes: [], problems: [] };
  const ignored = new Map<string, number>();
  const { docs, problems } = readDocuments(text, file);
  out.problems.push(...problems);
  for (const { where, value } of docs) if (value !== null && value !== undefined) visit(value, where, out, ignored, seen);
  if (ignored.size > 0) {
    const kinds = [...ignored].map(([kind, n]) => `${n} ${kind}`).join(", ");
    out.notes.push(`${file}: ignored ${kinds} (only ${READ_KINDS.join(", ")} are read)`);
  }
  return out;
}

function visit(value: unknown, where: string, out: LoadedObjects, ignored: Map<string, number>, seen: Map<string, string>): void {
  if (!isObj(value)) {
    out.problems.push(`${where}: must be a Kubernetes object (a mapping with kind), got ${Array.isArray(value) ? "a list" : typeof value}`);
    return;
  }
  const kind = value.kind;
  if (typeof kind !== "string" || kind === "") {
    out.problems.push(`${where}: kind: required`);
    return;
  }
  if (kind === "List" || (kind.endsWith("List") && Array.isArray(value.items))) {
    if (!Array.isArray(value.items)) out.problems.push(`${where}: ${kind}.items: must be a list`);
    else value.items.forEach((item, i) => visit(item, `${where}: items[${i}]`, out, ignored, seen));
    return;
  }
  if (!READ_KINDS.includes(kind as ReadKind)) {
    ignored.set(kind, (ignored.get(kind) ?? 0) + 1);
    return;
  }
  const metadata = isObj(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "(unnamed)";
  const ns = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  const id = `${kind} ${kind === "Namespace" ? name : `${ns ?? DEFAULT_NAMESPACE}/${name}`}`;
  const object = `${where}: ${id}`;
  const first = seen.get(id);
  if (first !== undefined) {
    out.problems.push(`${object}: appears twice (first in ${first}); which one counts would depend on the order of the input`);
    return;
  }
  seen.set(id, where);
  const problems: string[] = [];
  READERS[kind as ReadKind](value, metadata, problems, out);
  out.problems.push(...problems.map((p) => `${object}: ${p}`));
  if (problems.length === 0 && kind !== "Namespace" && ns === undefined) {
    out.notes.push(`${object}: no metadata.namespace; using "${DEFAULT_NAMESPACE}" as kubectl would with the default context`);
  }
}

const API_VERSIONS: Record<ReadKind, string> = { Namespace: "v1", Pod: "v1", NetworkPolicy: "networking.k8s.io/v1" };

const READERS: Record<ReadKind, (o: Obj, metadata: Obj, problems: string[], out: LoadedObjects) => void> = {
  Namespace(o, metadata, problems, out) {
    checkApiVersion(o, "Namespace", problems);
    const name = requireName(metadata, problems);
    const labels = readLabels(metadata.labels, "metadata.labels", problems);
    if (problems.length === 0) out.namespaces.push({ name: name!, labels });
  },
  Pod(o, metadata, problems, out) {
    checkApiVersion(o, "Pod", problems);
    const name = requireName(metadata, problems);
    const namespace = metadata.namespace ?? DEFAULT_NAMESPACE;
    if (typeof namespace !== "string") problems.push("metadata.namespace: must be a string");
    const labels = readLabels(metadata.labels, "metadata.labels", problems);
    const ports = readPodPorts(isObj(o.spec) ? o.spec : {}, `${String(namespace)}/${name ?? "(unnamed)"}`, problems, out.notes);
    const status = isObj(o.status) ? o.status : {};
    const ip = status.podIP;
    if (ip !== undefined && ip !== null && (typeof ip !== "string" || !parseIp(ip))) {
      problems.push(`status.podIP: ${JSON.stringify(ip)} is not an IPv4 or IPv6 address`);
    }
    if (problems.length > 0) return;
    out.pods.push({ namespace: namespace as string, name: name!, labels, ports, ...(typeof ip === "string" ? { ip } : {}) });
  },
  NetworkPolicy(o, _metadata, problems, out) {
    checkApiVersion(o, "NetworkPolicy", problems);
    const parsed = parseNetworkPolicy(o);
    if ("problems" in parsed) problems.push(...parsed.problems);
    if (problems.length === 0) out.policies.push(o as unknown as NetworkPolicy);
  },
};

function checkApiVersion(o: Obj, kind: ReadKind, problems: string[]): void {
  const want = API_VERSIONS[kind];
  if (o.apiVersion !== undefined && o.apiVersion !== want) {
    problems.push(`apiVersion: ${JSON.stringify(o.apiVersion)} is not supported for ${kind}; only ${want}`);
  }
}

function requireName(metadata: Obj, problems: string[]): string | undefined {
  if (typeof metadata.name === "string" && metadata.name !== "") return metadata.name;
  problems.push("metadata.name: required");
  return undefined;
}

function readLabels(value: unknown, path: string, problems: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObj(value)) {
    problems.push(`${path}: must be a map of label key to value`);
    return {};
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") problems.push(`${path}.${k}: must be a string, got ${JSON.stringify(v)} (quote it)`);
  }
  return value as Record<string, string>;
}
