/**
 * The Service side of `explain service`: the Service and its EndpointSlices as the API returns them
 * (only the fields read here), turned into the ports and endpoints kube-proxy works from. Pure.
 */
import type { ServicePortKey } from "./names";

/** The fields of a v1 Service that matter here (what `kubectl get svc -o json` prints). */
export interface ApiService {
  metadata?: { namespace?: string; name?: string };
  spec?: {
    type?: string;
    clusterIP?: string;
    sessionAffinity?: string;
    internalTrafficPolicy?: string;
    externalTrafficPolicy?: string;
    ports?: { name?: string; protocol?: string; port?: number; targetPort?: number | string; nodePort?: number }[];
  };
}

/** The fields of a discovery.k8s.io/v1 EndpointSlice that matter here. */
export interface ApiEndpointSlice {
  addressType?: string;
  ports?: { name?: string; protocol?: string; port?: number }[] | null;
  endpoints?: {
    addresses?: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    targetRef?: { kind?: string; namespace?: string; name?: string };
  }[];
}

export interface ServicePort extends ServicePortKey {
  port: string;
  number: number;
  targetPort: string;
  nodePort?: number;
}

export interface ServiceEndpoint {
  ip: string;
  port: number;
  /** kube-proxy sends new connections only to ready endpoints (while any is ready). */
  ready: boolean;
  node?: string;
  /** "namespace/name" of the Pod behind it. */
  pod?: string;
}

export interface ServiceView {
  namespace: string;
  name: string;
  type: string;
  /** "None" for a headless Service, which kube-proxy does not program. */
  clusterIP: string;
  sessionAffinity: string;
  internalTrafficPolicy: string;
  externalTrafficPolicy: string;
  ports: ServicePort[];
  /** Endpoints per port name ("" for an unnamed port), from every IPv4 slice. */
  endpoints: Map<string, ServiceEndpoint[]>;
}

/** Builds the view; the defaults are the API server's own (a Service read back always has them set). */
export function serviceView(service: ApiService, slices: readonly ApiEndpointSlice[]): ServiceView {
  const namespace = service.metadata?.namespace ?? "default";
  const name = service.metadata?.name ?? "";
  const spec = service.spec ?? {};
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    namespace,
    name,
    port: p.name ?? "",
    protocol: p.protocol ?? "TCP",
    number: p.port ?? 0,
    targetPort: String(p.targetPort ?? p.port ?? ""),
    ...(p.nodePort ? { nodePort: p.nodePort } : {}),
  }));
  const endpoints = new Map<string, ServiceEndpoint[]>();
  for (const port of ports) {
    const found: ServiceEndpoint[] = [];
    // kind clusters are IPv4; kube-proxy programs each family from its own slices.
    for (const slice of slices.filter((s) => (s.addressType ?? "IPv4") === "IPv4")) {
      const sp = (slice.ports ?? []).find((p) => (p.name ?? "") === port.port && (p.protocol ?? "TCP") === port.protocol);
      if (!sp?.port) continue;
      for (const ep of slice.endpoints ?? []) {
        for (const ip of ep.addresses ?? []) {
          const ref = ep.targetRef?.kind === "Pod" && ep.targetRef.name ? `${ep.targetRef.namespace ?? namespace}/${ep.targetRef.name}` : undefined;
          // An unset ready condition means ready (discovery.k8s.io/v1 EndpointConditions).
          found.push({ ip, port: sp.port, ready: ep.conditions?.ready !== false, ...(ep.nodeName ? { node: ep.nodeName } : {}), ...(ref ? { pod: ref } : {}) });
        }
      }
    }
    endpoints.set(port.port, found);
  }
  return {
    namespace,
    name,
    type: spec.type ?? "ClusterIP",
    clusterIP: spec.clusterIP ?? "",
    sessionAffinity: spec.sessionAffinity ?? "None",
    internalTrafficPolicy: spec.internalTrafficPolicy ?? "Cluster",
    externalTrafficPolicy: spec.externalTrafficPolicy ?? "Cluster",
    ports,
    endpoints,
  };
}

export const endpointKey = (ip: string, port: number) => `${ip}:${port}`;
