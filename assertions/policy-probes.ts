import { expectOnPath } from "../backends/paths";
import type { BackendFacts } from "../backends/types";
import { workloadPorts, type Client, type Lab, type Traffic, type Workload } from "../labs";
import { evaluatePolicies, expectations, type NetworkPolicy, type PodInput, type PortQuery } from "../policy";
import type { SkippedProbe } from "../verdict/types";
import type { AssertedProbe } from "./types";

/**
 * Probes of the policy scenarios: for each scenario's traffic, the destination's pods by IP and its
 * Service by name, from the client's Job. The expected outcome is the engine's verdict passed through
 * the backend's enforcement model, then through its limitations (a ClusterIP it cannot reach).
 */

/** A NetworkPolicy drop gives no answer: the probe times out (calico and kube-network-policies drop). */
const BLOCKED = "timeout" as const;

const podKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** The engine's universe: one representative pod per workload (replicas share labels) and per client. */
export function policyUniverse(lab: Lab): { pods: PodInput[]; policies: NetworkPolicy[] } {
  const pods: PodInput[] = [
    ...lab.workloads.map((w) => ({
      namespace: w.namespace,
      name: w.name,
      labels: w.labels,
      ports: workloadPorts(w).map((p) => ({ containerPort: p.containerPort, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) })),
    })),
    ...lab.clients.map((c) => ({ namespace: c.namespace, name: c.name, labels: c.labels })),
  ];
  const policies = lab.scenarios.flatMap((s) => s.policies) as unknown as NetworkPolicy[];
  return { pods, policies };
}

/** The Service port that reaches a container port (by targetPort number or name, else by port). */
function servicePortFor(w: Workload, containerPort: number, protocol: string): number | undefined {
  const named = workloadPorts(w).find((p) => p.containerPort === containerPort && p.protocol === protocol)?.name;
  const port = w.service?.ports.find((sp) => {
    if (sp.protocol !== protocol) return false;
    if (sp.targetPort === undefined) return sp.port === containerPort;
    return sp.targetPort === containerPort || (named !== undefined && sp.targetPort === named);
  });
  return port?.port;
}

export function planPolicyProbes(lab: Lab, backend: BackendFacts): { probes: AssertedProbe[]; skipped: SkippedProbe[] } {
  const universe = policyUniverse(lab);
  const traffic = lab.scenarios.flatMap((s) => s.traffic.map((t) => ({ scenario: s.name, t })));
  const queries: PortQuery[] = [];
  const queryIndex = new Map<string, number>();
  for (const { t } of traffic) {
    const key = `${t.port}/${t.protocol}`;
    if (!queryIndex.has(key)) queryIndex.set(key, queries.push({ port: t.port, protocol: t.protocol }) - 1);
  }
  const matrix = evaluatePolicies({ namespaces: lab.namespaces, pods: universe.pods, policies: universe.policies }, queries);
  const expected = expectations(matrix, backend.enforcement);
  // A Service by name: the lookup goes to cluster DNS, itself behind a ClusterIP.
  const byName = expectOnPath(backend, "pod-service-name");
  const workloads = new Map(lab.workloads.map((w) => [w.name, w]));
  const clients = new Map(lab.clients.map((c) => [c.name, c]));
  const probes: AssertedProbe[] = [];
  const skipped: SkippedProbe[] = [];

  for (const { scenario, t } of traffic) {
    const w = workloads.get(t.to)!;
    const c = clients.get(t.from)!;
    const q = queryIndex.get(`${t.port}/${t.protocol}`)!;
    const src = matrix.podIndex(podKey(c.namespace, c.name));
    const dst = matrix.podIndex(podKey(w.namespace, w.name));
    const base = trafficProbeId(scenario, t);
    if (t.protocol === "SCTP") {
      skipped.push({ id: base, group: scenario, reason: "the probe program speaks TCP, UDP and HTTP; SCTP is evaluated by the engine only" });
      continue;
    }
    const e = expected.explain(src, dst, q);
    const port = matrix.port(dst, q);
    if (e.expected === "no-such-port" || port === undefined) {
      skipped.push({ id: base, group: scenario, reason: e.reason });
      continue;
    }
    const verdict = e.expected;
    const basis = { kind: "policy" as const, verdict, notEnforced: e.notEnforced };
    const protocol = t.protocol === "UDP" ? ("udp" as const) : ("tcp" as const);
    const outcome = verdict === "allowed" ? "connected" : BLOCKED;
    const common = { group: scenario, client: c.name, port, protocol, basis };
    probes.push({
      ...common,
      id: `${base}-pod`,
      toLabel: podKey(w.namespace, w.name),
      target: { kind: "pods", namespace: w.namespace, workload: w.name, service: w.name, replicas: w.replicas },
      expect: outcome,
      why: e.reason,
    });
    const svcPort = servicePortFor(w, port, t.protocol);
    if (svcPort === undefined) {
      skipped.push({ id: `${base}-svc`, group: scenario, reason: `workload ${w.name} has no Service port for ${port}/${t.protocol}` });
      continue;
    }
    probes.push({
      ...common,
      id: `${base}-svc`,
      toLabel: `${w.name}.${w.namespace}.svc`,
      target: { kind: "service-name", host: `${w.name}.${w.namespace}.svc.cluster.local` },
      port: svcPort,
      ...(byName.limitation
        ? { expect: byName.expect, why: byName.why, basis: { kind: "limitation", limitation: byName.limitation.id } }
        : { expect: outcome, why: e.reason }),
    });
  }
  return { probes, skipped };
}

/**
 * The id of a scenario's connection, which its probes' ids start with (`<id>-pod`, `<id>-pod@<replica>`,
 * `<id>-svc`) and a skipped one carries.
 */
export function trafficProbeId(scenario: string, t: Pick<Traffic, "from" | "to" | "port" | "protocol">): string {
  return `${scenario}/${t.from}-${t.to}-${t.port}-${t.protocol.toLowerCase()}`;
}

/** Sources the lab's traffic uses, for the Jobs. */
export function trafficClients(lab: Lab): Client[] {
  const used = new Set(lab.scenarios.flatMap((s) => s.traffic.map((t: Traffic) => t.from)));
  return lab.clients.filter((c) => used.has(c.name));
}
