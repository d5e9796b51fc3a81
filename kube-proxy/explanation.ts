/**
 * What `explain service` says about one Service port, whatever the kube-proxy mode: where traffic
 * enters (the ClusterIP, a NodePort), how one backend is picked, where each backend DNATs to, and
 * how that lines up with the Service's EndpointSlices. Pure.
 */
import type { KubeProxyMode } from "../backends/types";
import { servicePortName } from "./names";
import { endpointKey, type ServiceEndpoint, type ServicePort, type ServiceView } from "./service";

export interface Frontend {
  kind: "cluster IP" | "node port";
  /** "10.96.0.10:53" or "*:30080" (every node address). */
  address: string;
  /** The rule or map element that catches it, as the node prints it. */
  via: string;
}

export interface ServiceBackend {
  /** ip:port the connection is DNATed (or forwarded) to. */
  target: string;
  /** The share of new connections it gets, 0…1, from the rules themselves. */
  share: number;
  /** How the rules pick it: "p=0.5000000000", "rest", "numgen 0 of 2", "weight 1". */
  pick: string;
  /** The chain or real-server line that leads to the target. */
  via: string;
  /** The EndpointSlice entry with this address, when there is one. */
  endpoint?: ServiceEndpoint;
}

export interface PortExplanation {
  port: ServicePort;
  /** "namespace/name:port": kube-proxy's name for it and the text of its comments. */
  portName: string;
  frontends: Frontend[];
  /** The chain or virtual server that picks a backend. */
  dispatch?: string;
  backends: ServiceBackend[];
  /** What happens instead when there is no endpoint: "REJECT (filter KUBE-SERVICES …)". */
  refused: string[];
  /** Facts worth saying: session affinity, masquerade rules. */
  notes: string[];
  /** Where the rules and the EndpointSlices disagree. */
  problems: string[];
}

export interface ServiceExplanation {
  service: ServiceView;
  mode: KubeProxyMode;
  node: string;
  /** What was read on the node: "iptables-save", "/proc/net/ip_vs", … */
  source: string;
  /** Set when the node has none of this mode's kube-proxy objects at all: kube-proxy runs in another mode, or not at all. */
  missing?: string;
  ports: PortExplanation[];
}

/** A port with nothing found yet; each mode fills it in. */
export function emptyPort(port: ServicePort): PortExplanation {
  return { port, portName: servicePortName(port), frontends: [], backends: [], refused: [], notes: [], problems: [] };
}

/**
 * Attaches each backend's EndpointSlice entry and lists the disagreements: a ready endpoint with no
 * rule (kube-proxy has not synced, or is not running in this mode), a rule to an address no slice
 * lists (stale), and a not-ready endpoint that still gets traffic.
 */
export function matchEndpoints(explained: PortExplanation, endpoints: readonly ServiceEndpoint[]): PortExplanation {
  const byKey = new Map(endpoints.map((e) => [endpointKey(e.ip, e.port), e]));
  const backends = explained.backends.map((b) => {
    const endpoint = byKey.get(b.target);
    return endpoint ? { ...b, endpoint } : b;
  });
  const targeted = new Set(backends.map((b) => b.target));
  const problems = [...explained.problems];
  for (const e of endpoints) {
    const key = endpointKey(e.ip, e.port);
    if (e.ready && !targeted.has(key)) problems.push(`endpoint ${key}${e.pod ? ` (${e.pod})` : ""} is ready but no rule sends traffic to it`);
  }
  // A backend with no share (an IPVS real server at weight 0) is draining, not stale.
  for (const b of backends) {
    if (!b.endpoint && b.share > 0) problems.push(`${b.via} sends traffic to ${b.target}, which no EndpointSlice of the Service lists (a stale rule)`);
  }
  // While any endpoint is ready kube-proxy uses only the ready ones (v1.34.0 pkg/proxy/topology.go CategorizeEndpoints).
  if (endpoints.some((e) => e.ready)) {
    for (const b of backends) if (b.endpoint && !b.endpoint.ready && b.share > 0) problems.push(`${b.target} is not ready but still gets traffic`);
  }
  return { ...explained, backends, problems };
}

const trim = (n: number) => Number(n.toFixed(4)).toString();

/** One sentence for a port's backends: "2 endpoints, each chosen with p=0.5". */
export function describeBackends(p: PortExplanation): string {
  const n = p.backends.length;
  if (n === 0) return p.refused.length > 0 ? "no endpoints: new connections are refused" : "no endpoints and no rule for them";
  const serving = p.backends.filter((b) => b.share > 0).length;
  const draining = n - serving;
  const also = draining > 0 ? `; ${draining} more draining (no new connections)` : "";
  if (serving === 1) return `1 endpoint, it takes every new connection${also}`;
  const even = p.backends.every((b) => b.share === 0 || Math.abs(b.share - 1 / serving) < 1e-6);
  return even
    ? `${serving} endpoints, each chosen with p=${trim(1 / serving)} (1/${serving})${also}`
    : `${serving} endpoints, chosen with p=${p.backends.filter((b) => b.share > 0).map((b) => trim(b.share)).join(", ")}${also}`;
}
