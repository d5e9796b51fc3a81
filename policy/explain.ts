/**
 * Materialises the reason for one cell on demand: which policies select each end and which rule
 * (policy, rule index, peer index, ports index) lets the connection through, or that none does.
 */
import { hasBit } from "./bitset";
import type { CompiledPolicy, CompiledRule, CompiledUniverse } from "./compile";
import { matchingPortEntry } from "./ports";
import type { Direction, DirectionExplanation, PortQuery, RuleRef, UnknownIpPeer, Verdict, VerdictExplanation } from "./types";

export function explainCell(
  u: CompiledUniverse,
  src: number,
  dst: number,
  query: PortQuery,
  port: number | undefined,
  verdict: Verdict,
  ipBlockPeers: boolean,
): VerdictExplanation {
  const side = (direction: Direction, subject: number, peer: number) =>
    explainDirection(u, direction, subject, peer, dst, query, port, ipBlockPeers);
  return {
    from: u.pods[src]!.key,
    to: u.pods[dst]!.key,
    query,
    port,
    protocol: query.protocol,
    verdict,
    loopback: src === dst,
    ingress: side("ingress", dst, src),
    egress: side("egress", src, dst),
  };
}

function explainDirection(
  u: CompiledUniverse,
  direction: Direction,
  subject: number,
  peer: number,
  dst: number,
  query: PortQuery,
  port: number | undefined,
  ipBlockPeers: boolean,
): DirectionExplanation {
  const policies = (direction === "ingress" ? u.ingressBy : u.egressBy)[subject]!.map((i) => u.policies[i]!);
  const allowedBy: RuleRef[] = [];
  const peerOnly: Omit<RuleRef, "port">[] = [];
  const unknownIp: UnknownIpPeer[] = [];
  let rules = 0;
  const peerHasIp = u.pods[peer]!.ip !== undefined;
  for (const policy of policies) {
    const list = rulesOf(policy, direction);
    rules += list.length;
    list.forEach((rule, r) => {
      const matchedPeer = matchingPeer(rule, peer, ipBlockPeers);
      if (!peerHasIp) {
        rule.peers?.forEach((p, i) => p.ipBlock && unknownIp.push({ policy: policy.name, rule: r, peer: i }));
      }
      if (matchedPeer === -1) return;
      const entry = port === undefined ? -1 : matchingPortEntry(rule.ports, port, query.protocol, u.pods[dst]!);
      if (entry === -1) peerOnly.push({ policy: policy.name, rule: r, peer: matchedPeer });
      else allowedBy.push({ policy: policy.name, rule: r, peer: matchedPeer, port: entry });
    });
  }
  return {
    direction,
    subject: u.pods[subject]!.key,
    peer: u.pods[peer]!.key,
    outcome: policies.length === 0 ? "not-isolated" : allowedBy.length > 0 ? "allowed-by-rule" : "no-rule-matches",
    selectedBy: policies.map((p) => p.name),
    rules,
    allowedBy,
    peerOnly,
    unknownIp,
  };
}

function rulesOf(policy: CompiledPolicy, direction: Direction): readonly CompiledRule[] {
  return (direction === "ingress" ? policy.ingress : policy.egress) ?? [];
}

function matchingPeer(rule: CompiledRule, pod: number, ipBlockPeers: boolean): number | "any" | -1 {
  if (rule.peers === null) return "any";
  return rule.peers.findIndex((p) => (ipBlockPeers || !p.ipBlock) && hasBit(p.set, 0, pod));
}
