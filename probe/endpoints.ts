import { isRecord, show } from "./json";
import type { EndpointTargets, ProbePlan, ProbePlanFile, ProbeResult, ProbeSpec } from "./types";

/**
 * Endpoint probes get their address from the targets file (`probe resolve` wrote it). An endpoint
 * the file does not have (a pod that never became ready, a Service the resolver was not asked about)
 * is reported as an error with the reason, never dropped and never a pass.
 */
export interface BoundPlan {
  plan: ProbePlan;
  unresolved: ProbeResult[];
}

export function bindEndpoints(file: ProbePlanFile, targets: EndpointTargets | undefined): BoundPlan {
  const probes: ProbeSpec[] = [];
  const unresolved: ProbeResult[] = [];
  for (const p of file.probes) {
    if ("to" in p) {
      probes.push(p);
      continue;
    }
    const { endpoint, ...rest } = p;
    const addresses = targets?.[endpoint.service];
    const to = addresses?.[endpoint.index];
    if (to !== undefined) {
      probes.push({ ...rest, to });
      continue;
    }
    const why =
      targets === undefined
        ? "no --targets file was given"
        : addresses === undefined
          ? `the targets file has no entry for ${endpoint.service}`
          : `${endpoint.service} has ${addresses.length} ready endpoint(s), none with index ${endpoint.index}`;
    unresolved.push({ id: p.id, ok: false, outcome: "error", latencyMs: 0, attempts: 0, detail: `endpoint ${endpoint.service}#${endpoint.index} unresolved: ${why}` });
  }
  const { probes: _planned, ...settings } = file;
  return { plan: { ...settings, probes }, unresolved };
}

/** Parses a targets file's text: `{ "namespace/service": ["address", …] }`. */
export function parseTargets(text: string, source: string): EndpointTargets | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `${source}: not valid JSON (${(err as Error).message})`;
  }
  if (!isRecord(json)) return `${source}: must be an object of "namespace/service": [addresses], got ${show(json)}`;
  for (const [key, value] of Object.entries(json)) {
    if (!Array.isArray(value) || value.some((a) => typeof a !== "string")) return `${source}: "${key}" must be a list of addresses, got ${show(value)}`;
  }
  return json as EndpointTargets;
}
