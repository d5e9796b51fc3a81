import type { BackendFacts, PlannedNode } from "../backends";
import type { Spec } from "../labs";

/** What planAssertions reads of a lab plan (plan/index.ts calls it while the plan is being built). */
interface PlanForAssertions {
  nodes: readonly PlannedNode[];
  backend: BackendFacts;
}
import type { ProbePlanFile } from "../probe/types";
import { probePlanFor } from "../verdict/probe-plan";
import type { SkippedProbe } from "../verdict/types";
import { planCheckProbes } from "./checks";
import { healthClient, planHealthProbes } from "./health";
import { planPolicyProbes, trafficClients } from "./policy-probes";
import type { AssertedProbe, AssertionPlan, ProbeClient, ResolvedProbe } from "./types";

export * from "./types";
export { HEALTH_CHECKS, HEALTH_NAMESPACE, planHealthObjects } from "./health";
export { planCheckObjects } from "./checks";

/** Probes of one Job in flight at once (timing: verdict/timing.ts, "cluster"). */
export const PROBE_CONCURRENCY = 16;

/** Every probe of the stack with its expected outcome, and the Jobs (source identities) that run them. */
export function planAssertions(spec: Spec, plan: PlanForAssertions): AssertionPlan {
  const health = planHealthProbes(plan.nodes, spec.stack.serviceSubnet, plan.backend, { internet: spec.stack.probeInternet });
  const policy = planPolicyProbes(spec.lab, plan.backend);
  const checks = planCheckProbes(spec.lab, plan.nodes, spec.stack.serviceSubnet, plan.backend);
  const node = healthClient(plan.nodes).node;
  const clients: ProbeClient[] = [
    healthClient(plan.nodes),
    // Lab clients share the first worker with the same-node echo server.
    ...trafficClients(spec.lab).map((c) => ({ name: c.name, namespace: c.namespace, labels: c.labels, node })),
    ...checks.clients,
  ];
  const skipped: SkippedProbe[] = [...health.skipped, ...policy.skipped, ...checks.skipped];
  return { clients, probes: [...health.probes, ...policy.probes, ...checks.probes], skipped };
}

/** A Service whose endpoints are probe targets, and how many ready endpoints it should have. */
export interface ProbedService {
  /** "namespace/service". */
  service: string;
  expected: number;
}

/** Every Service whose endpoints are probe targets: what the in-cluster resolver looks up (probe/resolve.ts). */
export function probedServices(probes: readonly AssertedProbe[]): ProbedService[] {
  const out = new Map<string, number>();
  for (const p of probes) if (p.target.kind === "pods") out.set(`${p.target.namespace}/${p.target.service}`, p.target.replicas);
  return [...out].map(([service, expected]) => ({ service, expected }));
}

/** Addresses Pulumi knows once the cluster runs (from resources it made, no reads): what symbolic targets resolve to. */
export interface ClusterFacts {
  /** "namespace/service" → its ClusterIP. */
  serviceIps: Readonly<Record<string, string>>;
  /** node name → its address on the lab network. */
  nodeIps: Readonly<Record<string, string>>;
}

/**
 * Resolves symbolic targets. A workload's pods become one probe per replica (`<id>@<i>` when it has
 * several), each naming an endpoint of its Service that the probe resolves in the cluster; a target
 * without an address (no replicas, say) is returned in `unresolved` with the reason, and `verify`
 * reports it as an error, never as a pass.
 */
export function resolveProbes(probes: readonly AssertedProbe[], facts: ClusterFacts): { probes: ResolvedProbe[]; unresolved: SkippedProbe[] } {
  const out: ResolvedProbe[] = [];
  const unresolved: SkippedProbe[] = [];
  for (const p of probes) {
    const { target, ...rest } = p;
    const add = (to: string | undefined, id = p.id) => {
      if (to) out.push({ ...rest, id, to });
      else unresolved.push({ id, group: p.group, reason: `target ${p.toLabel} has no address (${JSON.stringify(target)})` });
    };
    switch (target.kind) {
      case "pods": {
        const service = `${target.namespace}/${target.service}`;
        if (target.replicas === 0) add(undefined);
        for (let index = 0; index < target.replicas; index++) {
          out.push({ ...rest, id: target.replicas === 1 ? p.id : `${p.id}@${index}`, to: `${service}#${index}`, endpoint: { service, index } });
        }
        break;
      }
      case "service-name":
        add(target.host);
        break;
      case "service-ip":
        add(facts.serviceIps[`${target.namespace}/${target.service}`]);
        break;
      case "node":
        add(facts.nodeIps[target.node]);
        break;
      case "address":
        add(target.address);
        break;
      case "file":
        add(target.path);
        break;
    }
  }
  return { probes: out, unresolved };
}

/** The probe program's plan for one client's Job. */
export function clientProbePlan(client: string, probes: readonly ResolvedProbe[]): ProbePlanFile {
  return probePlanFor(probes.filter((p) => p.client === client), "cluster", PROBE_CONCURRENCY);
}
