import type { Spec } from "../labs";
import type { LabPlan } from "../plan";

/** What planAssertions reads of a lab plan (it is called while the plan is being built). */
type PlanForAssertions = Pick<LabPlan, "nodes" | "backend">;
import type { ProbePlan, ProbeSpec } from "../probe/types";
import { healthClient, planHealthProbes } from "./health";
import { planPolicyProbes, trafficClients } from "./policy-probes";
import type { AssertedProbe, AssertionPlan, ProbeClient, ResolvedProbe, SkippedProbe } from "./types";

export * from "./types";
export { HEALTH_CHECKS, HEALTH_NAMESPACE, planHealthObjects } from "./health";

/** One attempt's bound; a dropped packet costs exactly this. */
export const PROBE_TIMEOUT_MS = 2000;
/** Re-polls a disagreeing probe for up to ~15 s, as upstream's e2e does for 10 s (policies land late). */
export const PROBE_ATTEMPTS = 5;
export const PROBE_RETRY_DELAY_MS = 1000;
export const PROBE_CONCURRENCY = 16;

/** Every probe of the stack with its expected outcome, and the Jobs (source identities) that run them. */
export function planAssertions(spec: Spec, plan: PlanForAssertions): AssertionPlan {
  const health = planHealthProbes(plan.nodes, spec.stack.serviceSubnet, plan.backend, { internet: spec.stack.probeInternet });
  const policy = planPolicyProbes(spec.lab, plan.backend);
  const node = healthClient(plan.nodes).node;
  const clients: ProbeClient[] = [
    healthClient(plan.nodes),
    // Lab clients share the first worker with the same-node echo server.
    ...trafficClients(spec.lab).map((c) => ({ name: c.name, namespace: c.namespace, labels: c.labels, node })),
  ];
  const skipped: SkippedProbe[] = [...health.skipped, ...policy.skipped];
  return { clients, probes: [...health.probes, ...policy.probes], skipped };
}

/** "namespace/service" of every Service whose endpoints give probe targets (one read each at deploy). */
export function probedServices(probes: readonly AssertedProbe[]): string[] {
  return [...new Set(probes.flatMap((p) => (p.target.kind === "pods" ? [`${p.target.namespace}/${p.target.service}`] : [])))];
}

/** Addresses known once the cluster runs: what symbolic targets resolve to. */
export interface ClusterFacts {
  /** "namespace/service" → the IPs of the pods behind it (its endpoints). */
  podIps: Readonly<Record<string, readonly string[]>>;
  /** "namespace/service" → its ClusterIP. */
  serviceIps: Readonly<Record<string, string>>;
  /** node name → its address on the lab network. */
  nodeIps: Readonly<Record<string, string>>;
}

/**
 * Resolves symbolic targets. A workload with several pods gets one probe per pod (`<id>@<i>`); a
 * target that did not resolve (no endpoints, say) is returned in `unresolved` with the reason, and
 * `verify` reports it as an error, never as a pass.
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
        const ips = facts.podIps[`${target.namespace}/${target.service}`] ?? [];
        if (ips.length === 0) add(undefined);
        ips.forEach((ip, i) => add(ip, ips.length === 1 ? p.id : `${p.id}@${i}`));
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
    }
  }
  return { probes: out, unresolved };
}

/** The probe program's plan for one client's Job. */
export function clientProbePlan(client: string, probes: readonly ResolvedProbe[]): ProbePlan {
  return {
    concurrency: PROBE_CONCURRENCY,
    retryDelayMs: PROBE_RETRY_DELAY_MS,
    probes: probes
      .filter((p) => p.client === client)
      .map(
        (p): ProbeSpec => ({ id: p.id, to: p.to, port: p.port, protocol: p.protocol, timeoutMs: PROBE_TIMEOUT_MS, attempts: PROBE_ATTEMPTS, expect: p.expect }),
      ),
  };
}
