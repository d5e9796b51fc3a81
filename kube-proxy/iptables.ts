/**
 * iptables mode: follows one Service port through what kube-proxy wrote (kubernetes/kubernetes
 * v1.34.0 pkg/proxy/iptables/proxier.go, syncProxyRules and writeServiceToEndpointRules):
 * - nat KUBE-SERVICES: `-d <clusterIP>/32 -p <proto> --dport <port> -j KUBE-SVC-…` (KUBE-SVL-… for
 *   internalTrafficPolicy Local), comment "<ns/name:port> cluster IP";
 * - nat KUBE-NODEPORTS: `-p <proto> --dport <nodePort> -j KUBE-EXT-…`, which jumps on to KUBE-SVC-…;
 * - KUBE-SVC-…: one rule per endpoint, comment "<ns/name:port> -> ip:port"; rule i of n (counting
 *   from 0) matches `-m statistic --mode random --probability 1/(n-i)` printed with %0.10f, the last
 *   has none and takes what is left; `-m recent --rcheck` rules before them are ClientIP affinity;
 * - KUBE-SEP-…: `-s <ip> -j KUBE-MARK-MASQ` (hairpin) then `-j DNAT --to-destination ip:port`;
 * - no endpoints: no nat chains at all, only filter KUBE-SERVICES (cluster IP) and
 *   KUBE-EXTERNAL-SERVICES (node port) rules `-j REJECT`, comment "<ns/name:port> has no endpoints".
 * Pure.
 */
import { emptyPort, type ServiceBackend, type PortExplanation } from "./explanation";
import { iptablesChains, iptablesEndpointChain } from "./names";
import { jump, option, rulesOf, type IptablesRule, type IptablesSave } from "./iptables-save";
import type { ServicePort, ServiceView } from "./service";

const show = (r: IptablesRule) => `-A ${r.chain} ${r.text}`;
const protoMatches = (r: IptablesRule, port: ServicePort) => option(r, "-p") === port.protocol.toLowerCase();
const toClusterIp = (r: IptablesRule, ip: string, port: ServicePort) =>
  option(r, "-d") === `${ip}/32` && option(r, "--dport") === String(port.number) && protoMatches(r, port);
const toNodePort = (r: IptablesRule, port: ServicePort) => port.nodePort !== undefined && option(r, "--dport") === String(port.nodePort) && protoMatches(r, port);

export function explainIptablesPort(save: IptablesSave, service: ServiceView, port: ServicePort): PortExplanation {
  const out = emptyPort(port);
  const chains = iptablesChains(port);
  const nat = (chain: string) => rulesOf(save, "nat", chain);

  const entries = nat("KUBE-SERVICES").filter((r) => toClusterIp(r, service.clusterIP, port));
  for (const r of entries) out.frontends.push({ kind: "cluster IP", address: `${service.clusterIP}:${port.number}`, via: show(r) });
  // Without -d a NodePort rule takes every local address; kube-proxy adds a 127.0.0.0/8 rule of its own for localhost NodePorts.
  for (const r of nat("KUBE-NODEPORTS").filter((r) => toNodePort(r, port))) out.frontends.push({ kind: "node port", address: `${option(r, "-d") ?? "*"}:${port.nodePort}`, via: show(r) });
  for (const r of rulesOf(save, "filter", "KUBE-SERVICES").filter((r) => toClusterIp(r, service.clusterIP, port))) out.refused.push(`${jump(r)} by filter ${show(r)}`);
  for (const r of rulesOf(save, "filter", "KUBE-EXTERNAL-SERVICES").filter((r) => toNodePort(r, port))) out.refused.push(`${jump(r)} by filter ${show(r)}`);

  const expected = service.internalTrafficPolicy === "Local" ? chains.local : chains.cluster;
  const target = entries.map(jump).find((j) => j?.startsWith("KUBE-SV"));
  if (target && target !== expected) out.problems.push(`the cluster IP rule jumps to ${target}, but kube-proxy names this port's chain ${expected}`);
  const dispatch = target ?? (save.get("nat")?.chains.has(expected) ? expected : undefined);
  if (!dispatch) return out;
  out.dispatch = dispatch;
  out.backends = backendsOf(nat(dispatch), nat, port, out.notes, out.problems);
  return out;
}

function backendsOf(rules: IptablesRule[], nat: (chain: string) => IptablesRule[], port: ServicePort, notes: string[], problems: string[]): ServiceBackend[] {
  const picks = rules.filter((r) => jump(r)?.startsWith("KUBE-SEP-") && !r.args.includes("--rcheck"));
  const affinity = rules.find((r) => r.args.includes("--rcheck"));
  if (affinity) notes.push(`ClientIP session affinity: a client seen in the last ${option(affinity, "--seconds")} s goes back to its endpoint (-m recent --rcheck)`);
  const masq = rules.find((r) => jump(r) === "KUBE-MARK-MASQ");
  // kube-proxy marks what comes from outside the cluster CIDR (or everything, with masqueradeAll).
  if (masq) notes.push(`masquerade (SNAT to the node) for what this rule matches: ${show(masq)}`);
  if (picks.length > 1) notes.push(`rule i of ${picks.length} matches with p=1/(${picks.length}-i+1) of what reaches it and the last takes the rest, so each endpoint gets 1/${picks.length}`);
  let rest = 1;
  return picks.map((r): ServiceBackend => {
    const chain = jump(r)!;
    const probability = option(r, "--probability");
    const p = probability === undefined ? 1 : Number(probability);
    const share = rest * p;
    rest -= share;
    const dnat = nat(chain).find((x) => jump(x) === "DNAT");
    const target = dnat ? option(dnat, "--to-destination") ?? "" : "";
    if (!dnat) problems.push(`${chain} has no DNAT rule`);
    else if (iptablesEndpointChain(port, target) !== chain) problems.push(`${chain} DNATs to ${target}, but kube-proxy would name that endpoint's chain ${iptablesEndpointChain(port, target)}`);
    return { target, share, pick: probability !== undefined ? `p=${probability}` : picks.length === 1 ? "always" : "the rest", via: chain };
  });
}
