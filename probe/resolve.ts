/**
 * `probe resolve`: the assertion Jobs' targets, resolved inside the cluster. It lists each probed
 * Service's EndpointSlices, waits (bounded) until the expected number of endpoints is ready, and
 * writes the addresses as `targets.json` into a ConfigMap in every client namespace, which the probe
 * Jobs mount (`probe --targets`). It runs in its own Job, in a namespace no lab policy selects: a
 * client pod may be denied all egress (even DNS and the API server), so it could not look them up.
 *
 * Facts (kubernetes-models 5.1.0, generated from the Kubernetes OpenAPI, discovery.k8s.io/v1):
 * a Service's slices carry the label `kubernetes.io/service-name` (EndpointSlice.d.ts); an endpoint's
 * `conditions.ready` nil means true (EndpointConditions.d.ts); only its first address has semantics,
 * the one kube-proxy uses (Endpoint.d.ts).
 */
import { isIP } from "node:net";
import { isRecord, show } from "./json";
import type { EndpointTargets } from "./types";

export interface ResolveRequest {
  /** Each probed Service ("namespace/name") and how many ready endpoints it should have. */
  services: { service: string; expected: number }[];
  /** Where the targets ConfigMap goes: every namespace an assertion Job runs in. */
  namespaces: string[];
  configMap: string;
  /** How long to wait for the expected endpoints before writing what there is. */
  waitSeconds: number;
}

/** One Kubernetes API call: method, path, JSON body → status and parsed body. */
export type ApiCall = (method: "GET" | "POST" | "PUT", path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

export interface ResolveIo {
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

const POLL_MS = 2000;

/** Resolves every Service, then writes the ConfigMaps; returns the targets written. */
export async function resolveTargets(request: ResolveRequest, api: ApiCall, io: ResolveIo): Promise<EndpointTargets> {
  const deadline = io.now() + request.waitSeconds * 1000;
  let targets: EndpointTargets = {};
  for (;;) {
    targets = Object.fromEntries(await Promise.all(request.services.map(async (s) => [s.service, await readyAddresses(s.service, api)] as const)));
    const short = request.services.filter((s) => (targets[s.service]?.length ?? 0) < s.expected);
    if (short.length === 0 || io.now() >= deadline) {
      for (const s of short) io.log(`cnilab: ${s.service}: ${targets[s.service]?.length ?? 0} of ${s.expected} endpoints ready after ${request.waitSeconds}s; its missing probes report an error`);
      break;
    }
    await io.sleep(POLL_MS);
  }
  for (const s of request.services) io.log(`cnilab: ${s.service}: ${(targets[s.service] ?? []).join(", ") || "no ready endpoint"}`);
  const data = { "targets.json": JSON.stringify(targets, null, 1) };
  for (const namespace of request.namespaces) await writeConfigMap(namespace, request.configMap, data, api);
  return targets;
}

/** The first address of every ready endpoint of the Service's slices, in address order. */
async function readyAddresses(service: string, api: ApiCall): Promise<string[]> {
  const [namespace, name] = service.split("/") as [string, string];
  const selector = encodeURIComponent(`kubernetes.io/service-name=${name}`);
  const { status, body } = await api("GET", `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=${selector}`);
  if (status !== 200) throw new Error(`listing the EndpointSlices of ${service} failed: HTTP ${status} ${apiMessage(body)}`);
  const items = isRecord(body) && Array.isArray(body.items) ? body.items : [];
  const addresses = new Set<string>();
  for (const slice of items) {
    const endpoints = isRecord(slice) && Array.isArray(slice.endpoints) ? slice.endpoints : [];
    for (const e of endpoints) {
      if (!isRecord(e) || !Array.isArray(e.addresses)) continue;
      const ready = isRecord(e.conditions) ? e.conditions.ready !== false : true;
      const first = e.addresses[0];
      if (ready && typeof first === "string" && isIP(first) !== 0) addresses.add(first);
    }
  }
  return [...addresses].sort(compareAddresses);
}

/** Numeric order for IPv4 (10.0.0.9 before 10.0.0.10), text order otherwise. */
function compareAddresses(a: string, b: string): number {
  if (isIP(a) === 4 && isIP(b) === 4) {
    const [x, y] = [a, b].map((ip) => ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0)) as [number, number];
    return x - y;
  }
  return a.localeCompare(b);
}

/** Creates the ConfigMap, or replaces it when an earlier run made it (an unconditional update). */
async function writeConfigMap(namespace: string, name: string, data: Record<string, string>, api: ApiCall): Promise<void> {
  const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "cnilab" } }, data };
  const created = await api("POST", `/api/v1/namespaces/${namespace}/configmaps`, body);
  if (created.status === 201 || created.status === 200) return;
  if (created.status !== 409) throw new Error(`creating ConfigMap ${namespace}/${name} failed: HTTP ${created.status} ${apiMessage(created.body)}`);
  const replaced = await api("PUT", `/api/v1/namespaces/${namespace}/configmaps/${name}`, body);
  if (replaced.status !== 200) throw new Error(`replacing ConfigMap ${namespace}/${name} failed: HTTP ${replaced.status} ${apiMessage(replaced.body)}`);
}

function apiMessage(body: unknown): string {
  return isRecord(body) && typeof body.message === "string" ? body.message : show(body);
}

/** Validates a resolve request file's JSON, naming every problem. */
export function parseResolveRequest(text: string, source: string): ResolveRequest | string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return [`${source}: not valid JSON (${(err as Error).message})`];
  }
  const problems: string[] = [];
  if (!isRecord(json)) return [`${source}: must be an object { services, namespaces, configMap, waitSeconds }, got ${show(json)}`];
  const services = Array.isArray(json.services) ? json.services : [];
  if (!Array.isArray(json.services)) problems.push(`${source}: services must be a list, got ${show(json.services)}`);
  services.forEach((s: unknown, i: number) => {
    if (!isRecord(s) || typeof s.service !== "string" || !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(s.service) || !Number.isInteger(s.expected) || (s.expected as number) < 0) {
      problems.push(`${source}: services[${i}] must be { service: "namespace/name", expected: integer ≥ 0 }, got ${show(s)}`);
    }
  });
  if (!Array.isArray(json.namespaces) || json.namespaces.some((n) => typeof n !== "string")) problems.push(`${source}: namespaces must be a list of names, got ${show(json.namespaces)}`);
  if (typeof json.configMap !== "string" || json.configMap === "") problems.push(`${source}: configMap must be a name, got ${show(json.configMap)}`);
  if (!Number.isInteger(json.waitSeconds) || (json.waitSeconds as number) < 0 || (json.waitSeconds as number) > 3600) {
    problems.push(`${source}: waitSeconds must be an integer 0..3600, got ${show(json.waitSeconds)}`);
  }
  return problems.length > 0 ? problems : (json as unknown as ResolveRequest);
}
