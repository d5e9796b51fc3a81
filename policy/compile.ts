/**
 * Precomputation: pods are numbered, and every policy becomes the set of pods it selects plus, per
 * rule, the set of pods each peer matches. Everything per-verdict afterwards is bit arithmetic.
 */
import { parseIp, rangeContains } from "../ip/cidr";
import { fullSet, orRow, setBit, wordsFor } from "./bitset";
import { parseNetworkPolicy, type ParsedPeer, type ParsedPort } from "./parse-policy";
import { compileSelector, selectorMatches } from "./selector";
import {
  NAMESPACE_NAME_LABEL,
  PolicyInputError,
  type ContainerPortInput,
  type Labels,
  type PolicyUniverse,
  type Protocol,
} from "./types";

export interface CompiledPod {
  key: string;
  namespace: string;
  name: string;
  labels: Labels;
  ip: Uint8Array | undefined;
  ports: readonly Required<ContainerPortInput>[];
}

export interface CompiledPeer {
  set: Uint32Array;
  ipBlock: boolean;
}

export interface CompiledRule {
  /** `null`: the rule matches every peer. */
  peers: readonly CompiledPeer[] | null;
  /** `null`: the rule matches every port. */
  ports: readonly ParsedPort[] | null;
  /** Union of all peers; with `withoutIpBlock`, of the selector peers only. */
  union: Uint32Array;
  withoutIpBlock: Uint32Array;
}

export interface CompiledPolicy {
  namespace: string;
  name: string;
  selected: Int32Array;
  /** `null` when the policy does not apply to that direction. */
  ingress: readonly CompiledRule[] | null;
  egress: readonly CompiledRule[] | null;
}

export interface CompiledUniverse {
  pods: readonly CompiledPod[];
  podIndex: ReadonlyMap<string, number>;
  words: number;
  policies: readonly CompiledPolicy[];
  /** Per pod, the indices of the policies selecting it for ingress / egress. */
  ingressBy: readonly number[][];
  egressBy: readonly number[][];
  /** Namespaces some pod lives in that the input did not describe. */
  impliedNamespaces: readonly string[];
}

export function compileUniverse(universe: PolicyUniverse): CompiledUniverse {
  const namespaceLabels = new Map<string, Labels>();
  for (const ns of universe.namespaces) {
    // A second one would silently replace the first: which labels count would depend on the order.
    if (namespaceLabels.has(ns.name)) throw new PolicyInputError([`Namespace ${ns.name} appears twice`], "duplicate namespace");
    // The API server sets this label on every namespace and keeps it equal to the name.
    namespaceLabels.set(ns.name, { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name });
  }
  const pods = universe.pods.map(compilePod);
  const podIndex = new Map<string, number>();
  const impliedNamespaces: string[] = [];
  const podsByNamespace = new Map<string, number[]>();
  pods.forEach((pod, i) => {
    if (podIndex.has(pod.key)) throw new PolicyInputError([`pod ${pod.key} appears twice`], "duplicate pod");
    podIndex.set(pod.key, i);
    if (!namespaceLabels.has(pod.namespace)) {
      namespaceLabels.set(pod.namespace, { [NAMESPACE_NAME_LABEL]: pod.namespace });
      impliedNamespaces.push(pod.namespace);
    }
    const list = podsByNamespace.get(pod.namespace) ?? [];
    list.push(i);
    podsByNamespace.set(pod.namespace, list);
  });
  const words = wordsFor(pods.length);
  const ctx: PeerContext = { pods, words, namespaceLabels, podsByNamespace, all: fullSet(pods.length) };

  const seen = new Set<string>();
  const policies = universe.policies.map((raw, index) => {
    const parsed = parseNetworkPolicy(raw);
    const label = `NetworkPolicy ${raw.metadata?.namespace ?? "default"}/${raw.metadata?.name ?? `#${index}`}`;
    if ("problems" in parsed) throw new PolicyInputError(parsed.problems, label);
    const id = `${parsed.namespace}/${parsed.name}`;
    if (seen.has(id)) throw new PolicyInputError([`metadata.name: NetworkPolicy ${id} appears twice`], label);
    seen.add(id);
    const selector = compileSelector(parsed.podSelector);
    const selected = (podsByNamespace.get(parsed.namespace) ?? []).filter((i) => selectorMatches(selector, pods[i]!.labels));
    const rules = (list: typeof parsed.ingress) =>
      list === null ? null : list.map((r) => compileRule(r.peers, r.ports, parsed.namespace, ctx));
    return { namespace: parsed.namespace, name: parsed.name, selected: Int32Array.from(selected), ingress: rules(parsed.ingress), egress: rules(parsed.egress) };
  });

  const ingressBy = pods.map((): number[] => []);
  const egressBy = pods.map((): number[] => []);
  policies.forEach((p, pi) => {
    for (const i of p.selected) {
      if (p.ingress) ingressBy[i]!.push(pi);
      if (p.egress) egressBy[i]!.push(pi);
    }
  });
  return { pods, podIndex, words, policies, ingressBy, egressBy, impliedNamespaces };
}

function compilePod(pod: PolicyUniverse["pods"][number]): CompiledPod {
  const key = `${pod.namespace}/${pod.name}`;
  const problems: string[] = [];
  const ip = pod.ip === undefined ? undefined : parseIp(pod.ip);
  if (pod.ip !== undefined && !ip) problems.push(`status.podIP: ${JSON.stringify(pod.ip)} is not an IP address`);
  const ports = (pod.ports ?? []).map((p) => ({ name: p.name ?? "", containerPort: p.containerPort, protocol: p.protocol ?? ("TCP" as Protocol) }));
  if (problems.length > 0) throw new PolicyInputError(problems, `Pod ${key}`);
  return { key, namespace: pod.namespace, name: pod.name, labels: pod.labels ?? {}, ip, ports };
}

interface PeerContext {
  pods: readonly CompiledPod[];
  words: number;
  namespaceLabels: ReadonlyMap<string, Labels>;
  podsByNamespace: ReadonlyMap<string, number[]>;
  all: Uint32Array;
}

function compileRule(peers: readonly ParsedPeer[] | null, ports: readonly ParsedPort[] | null, policyNamespace: string, ctx: PeerContext): CompiledRule {
  if (peers === null) return { peers: null, ports, union: ctx.all, withoutIpBlock: ctx.all };
  const compiled = peers.map((p) => ({ set: peerSet(p, policyNamespace, ctx), ipBlock: p.kind === "ipBlock" }));
  const union = new Uint32Array(ctx.words);
  const withoutIpBlock = new Uint32Array(ctx.words);
  for (const p of compiled) {
    orRow(union, 0, p.set, ctx.words);
    if (!p.ipBlock) orRow(withoutIpBlock, 0, p.set, ctx.words);
  }
  return { peers: compiled, ports, union, withoutIpBlock };
}

/**
 * The pods one peer matches. A podSelector alone means pods of the policy's namespace; a
 * namespaceSelector alone, every pod of the matching namespaces; both in one peer, pods matching
 * the podSelector inside the matching namespaces (the AND that upstream e2e tests in "should
 * enforce policy based on PodSelector and NamespaceSelector", network_policy.go @008b365).
 */
function peerSet(peer: ParsedPeer, policyNamespace: string, ctx: PeerContext): Uint32Array {
  const set = new Uint32Array(ctx.words);
  if (peer.kind === "ipBlock") {
    ctx.pods.forEach((pod, i) => {
      if (pod.ip && rangeContains(peer.cidr, pod.ip) && !peer.except.some((e) => rangeContains(e, pod.ip!))) setBit(set, 0, i);
    });
    return set;
  }
  let namespaces = [policyNamespace];
  if (peer.namespaceSelector) {
    const nsSelector = compileSelector(peer.namespaceSelector);
    namespaces = [...ctx.namespaceLabels].filter(([, labels]) => selectorMatches(nsSelector, labels)).map(([name]) => name);
  }
  const podSelector = peer.podSelector ? compileSelector(peer.podSelector) : undefined;
  for (const ns of namespaces) {
    for (const i of ctx.podsByNamespace.get(ns) ?? []) {
      if (!podSelector || selectorMatches(podSelector, ctx.pods[i]!.labels)) setBit(set, 0, i);
    }
  }
  return set;
}
