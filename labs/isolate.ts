/**
 * One `up` for every scenario, yet each scenario's table shows that scenario alone. NetworkPolicies
 * add up: with deny-nginx, access-nginx and default-deny in one namespace, a "deny" table would
 * expect successes (another policy allows them), and the cluster would show them. So each scenario
 * gets namespaces of its own with its own copies of the workloads and clients its traffic names;
 * its policies move there, and their namespace selectors are narrowed to the scenario's namespaces.
 * A policy selects pods only in its own namespace, so no scenario's policy touches another's pods.
 *
 * A lab with one scenario is already alone and stays as written (the universe stack keeps x, y, z).
 */
import type { Client, Lab, Scenario, Workload } from "./schema";

/** On every namespace of a scenario; the scenario's namespace selectors require it. */
export const SCENARIO_LABEL = "lab.cnilab.io/scenario";
/** The API server sets it on every namespace, equal to its name (a selector may name namespaces by it). */
const NAME_LABEL = "kubernetes.io/metadata.name";

/** The scenario's copy of namespace `ns`: the scenario's name for `default`, else `<scenario>-<ns>`. */
export function scenarioNamespace(scenario: string, ns: string): string {
  return ns === "default" ? scenario : `${scenario}-${ns}`;
}

/** The scenario's copy of a workload or client. */
export function scenarioObjectName(scenario: string, name: string): string {
  return `${scenario}-${name}`;
}

export function isolateScenarios(lab: Lab): Lab {
  if (lab.scenarios.length < 2) return lab;
  const usedWorkloads = new Set(lab.scenarios.flatMap((s) => s.traffic.map((t) => t.to)));
  const usedClients = new Set(lab.scenarios.flatMap((s) => s.traffic.map((t) => t.from)));
  // What no scenario probes stays once, as written (the guestbook frontend).
  const workloads: Workload[] = lab.workloads.filter((w) => !usedWorkloads.has(w.name));
  const clients: Client[] = lab.clients.filter((c) => !usedClients.has(c.name));
  const keptNamespaces = new Set([...workloads, ...clients].map((o) => o.namespace));
  const namespaces = lab.namespaces.filter((n) => keptNamespaces.has(n.name));
  const scenarios: Scenario[] = [];
  for (const s of lab.scenarios) {
    const ns = (name: string) => scenarioNamespace(s.name, name);
    const to = new Set(s.traffic.map((t) => t.to));
    const from = new Set(s.traffic.map((t) => t.from));
    const copies = lab.workloads.filter((x) => to.has(x.name));
    const sources = lab.clients.filter((x) => from.has(x.name));
    workloads.push(...copies.map((w) => copyWorkload(w, s.name)));
    clients.push(...sources.map((c) => ({ ...c, name: scenarioObjectName(s.name, c.name), namespace: ns(c.namespace) })));
    // The namespaces something of the scenario lives in, labelled as the originals plus the scenario.
    const used = new Set([...copies, ...sources].map((o) => o.namespace).concat(s.policies.map((p) => p.metadata.namespace ?? "default")));
    for (const name of [...used].sort()) {
      namespaces.push({ name: ns(name), labels: { ...lab.namespaces.find((n) => n.name === name)?.labels, [SCENARIO_LABEL]: s.name } });
    }
    scenarios.push({
      ...s,
      policies: s.policies.map((p) => ({
        ...p,
        metadata: { ...p.metadata, namespace: ns(p.metadata.namespace ?? "default") },
        spec: rewriteSpec(p.spec, s.name),
      })),
      traffic: s.traffic.map((t) => ({ ...t, from: scenarioObjectName(s.name, t.from), to: scenarioObjectName(s.name, t.to) })),
    });
  }
  return { ...lab, namespaces, workloads, clients, scenarios };
}

/**
 * The copy lives in the scenario's namespace. A fixed nodePort or hostPort is unique per cluster or
 * node, so copies let Kubernetes choose (no scenario's traffic goes through them).
 */
function copyWorkload(w: Workload, scenario: string): Workload {
  return {
    ...w,
    name: scenarioObjectName(scenario, w.name),
    namespace: scenarioNamespace(scenario, w.namespace),
    containers: w.containers.map((c) => ({ ...c, ports: c.ports.map(({ hostPort: _, ...p }) => p) })),
    ...(w.service ? { service: { ...w.service, ports: w.service.ports.map(({ nodePort: _, ...p }) => p) } } : {}),
  };
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every peer's namespaceSelector, in ingress `from` and egress `to`, narrowed to the scenario. */
function rewriteSpec(spec: Json, scenario: string): Json {
  const rules = (value: unknown, field: "from" | "to") =>
    Array.isArray(value)
      ? value.map((rule: unknown) =>
          isJson(rule) && Array.isArray(rule[field]) ? { ...rule, [field]: (rule[field] as unknown[]).map((peer) => rewritePeer(peer, scenario)) } : rule,
        )
      : value;
  return {
    ...spec,
    ...("ingress" in spec ? { ingress: rules(spec.ingress, "from") } : {}),
    ...("egress" in spec ? { egress: rules(spec.egress, "to") } : {}),
  };
}

function rewritePeer(peer: unknown, scenario: string): unknown {
  if (!isJson(peer) || !isJson(peer.namespaceSelector)) return peer;
  const sel = peer.namespaceSelector;
  const rename = (v: unknown) => (typeof v === "string" ? scenarioNamespace(scenario, v) : v);
  const matchLabels = Object.fromEntries(Object.entries(isJson(sel.matchLabels) ? sel.matchLabels : {}).map(([k, v]) => [k, k === NAME_LABEL ? rename(v) : v]));
  const matchExpressions = Array.isArray(sel.matchExpressions)
    ? sel.matchExpressions.map((e: unknown) => (isJson(e) && e.key === NAME_LABEL && Array.isArray(e.values) ? { ...e, values: e.values.map(rename) } : e))
    : undefined;
  return {
    ...peer,
    namespaceSelector: { ...sel, matchLabels: { ...matchLabels, [SCENARIO_LABEL]: scenario }, ...(matchExpressions ? { matchExpressions } : {}) },
  };
}
