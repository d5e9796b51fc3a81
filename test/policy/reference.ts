/**
 * A test oracle: the NetworkPolicy rules read straight off the API documentation, one pair at a
 * time, on the raw objects, with node's own BlockList for CIDRs. Slow and obvious on purpose, so
 * that the bitset engine can be checked against it on random universes.
 */
import { BlockList, isIPv6 } from "node:net";
import type { NetworkPolicy, PodInput, PolicyUniverse, PortQuery, Protocol, Verdict } from "../../policy";

type Selector = { matchLabels?: Record<string, string> | null; matchExpressions?: { key: string; operator: string; values?: string[] }[] | null };
type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } };
type Port = { port?: number | string; endPort?: number; protocol?: string };
type Rule = { peers?: Peer[]; ports?: Port[] };

function labelsMatch(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const has = (k: string) => k in labels;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? [];
    const ok =
      e.operator === "In" ? has(e.key) && values.includes(labels[e.key]!)
      : e.operator === "NotIn" ? !has(e.key) || !values.includes(labels[e.key]!)
      : e.operator === "Exists" ? has(e.key)
      : !has(e.key);
    if (!ok) return false;
  }
  return true;
}

function inBlock(ip: string | undefined, block: { cidr: string; except?: string[] }): boolean {
  if (ip === undefined) return false;
  const family = isIPv6(ip) ? "ipv6" : "ipv4";
  const list = (cidrs: string[]) => {
    const b = new BlockList();
    for (const c of cidrs) {
      const [net, prefix] = c.split("/");
      if (isIPv6(net!) === (family === "ipv6")) b.addSubnet(net!, Number(prefix), family);
    }
    return b;
  };
  return list([block.cidr]).check(ip, family) && !list(block.except ?? []).check(ip, family);
}

export function referenceVerdict(u: PolicyUniverse, from: PodInput, to: PodInput, query: PortQuery): Verdict {
  const declared = (pod: PodInput, name: string, protocol: Protocol) => (pod.ports ?? []).find((c) => c.name === name && (c.protocol ?? "TCP") === protocol);
  const port = typeof query.port === "number" ? query.port : declared(to, query.port, query.protocol)?.containerPort;
  if (port === undefined) return "no-such-port";

  const nsLabels = (ns: string) => ({ ...(u.namespaces.find((n) => n.name === ns)?.labels ?? {}), "kubernetes.io/metadata.name": ns });
  const nsOf = (p: NetworkPolicy) => p.metadata?.namespace ?? "default";
  const typesOf = (p: NetworkPolicy) => {
    const written = p.spec?.policyTypes ?? [];
    if (written.length > 0) return written;
    return (p.spec?.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  };
  const peerMatches = (peer: Peer, pod: PodInput, policyNs: string) => {
    if (peer.ipBlock) return inBlock(pod.ip, peer.ipBlock);
    const nsOk = peer.namespaceSelector ? labelsMatch(peer.namespaceSelector, nsLabels(pod.namespace)) : pod.namespace === policyNs;
    return nsOk && labelsMatch(peer.podSelector, pod.labels ?? {});
  };
  const portMatches = (p: Port) => {
    if ((p.protocol ?? "TCP") !== query.protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") return declared(to, p.port, query.protocol)?.containerPort === port;
    return port >= p.port && port <= (p.endPort ?? p.port);
  };
  const passes = (type: "Ingress" | "Egress", subject: PodInput, other: PodInput) => {
    const selecting = (u.policies as NetworkPolicy[]).filter(
      (p) => typesOf(p).includes(type) && nsOf(p) === subject.namespace && labelsMatch((p.spec?.podSelector ?? {}) as Selector, subject.labels ?? {}),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) => {
      const rules: Rule[] = (type === "Ingress" ? p.spec?.ingress ?? [] : p.spec?.egress ?? []).map((r) => ({
        peers: ("from" in r ? r.from : (r as { to?: Peer[] }).to) as Peer[] | undefined,
        ports: r.ports as Port[] | undefined,
      }));
      return rules.some(
        (r) => (!r.peers?.length || r.peers.some((peer) => peerMatches(peer, other, nsOf(p)))) && (!r.ports?.length || r.ports.some(portMatches)),
      );
    });
  };
  return passes("Ingress", to, from) && passes("Egress", from, to) ? "allowed" : "denied";
}
