/**
 * nftables mode: follows one Service port through table `ip kube-proxy` (kubernetes/kubernetes
 * v1.34.0 pkg/proxy/nftables/proxier.go):
 * - map service-ips: element `<clusterIP> . <proto> . <port> : goto service-<hash>-ns/name/proto/port`
 *   (local-… for internalTrafficPolicy Local); map service-nodeports: `<proto> . <nodePort> : goto external-…`;
 * - the service chain: `numgen random mod N vmap { 0 : goto endpoint-…, … }`, each endpoint 1/N
 *   (writeServiceToEndpointRules), after `ip saddr @affinity-… goto endpoint-…` for ClientIP affinity;
 * - the endpoint chain: `ip saddr <ip> jump mark-for-masquerade`, then `meta l4proto <proto> dnat to ip:port`;
 * - no endpoints: an element of map no-endpoint-services (no-endpoint-nodeports) with the port name as
 *   comment and `goto reject-chain` (or drop for a Local policy with no local endpoint).
 * Pure.
 */
import { emptyPort, type ServiceBackend, type PortExplanation } from "./explanation";
import { nftablesChains, nftablesEndpointChain } from "./names";
import type { NftElement, NftTable } from "./nft-list";
import type { ServicePort, ServiceView } from "./service";

const verdictChain = (value: string) => (value.startsWith("goto ") || value.startsWith("jump ") ? value.split(/\s+/)[1] : undefined);
const element = (table: NftTable, map: string, key: string): NftElement | undefined => (table.maps.get(map) ?? []).find((e) => e.key === key);

export function explainNftPort(table: NftTable, service: ServiceView, port: ServicePort): PortExplanation {
  const out = emptyPort(port);
  const proto = port.protocol.toLowerCase();
  const clusterKey = `${service.clusterIP} . ${proto} . ${port.number}`;
  const nodeKey = `${proto} . ${port.nodePort}`;
  const cluster = element(table, "service-ips", clusterKey);
  if (cluster) out.frontends.push({ kind: "cluster IP", address: `${service.clusterIP}:${port.number}`, via: `map service-ips { ${cluster.text} }` });
  const node = port.nodePort === undefined ? undefined : element(table, "service-nodeports", nodeKey);
  if (node) out.frontends.push({ kind: "node port", address: `*:${port.nodePort}`, via: `map service-nodeports { ${node.text} }` });
  const refusedBy = (map: string, key: string) => {
    const e = element(table, map, key);
    if (e) out.refused.push(`${e.value === "goto reject-chain" ? "reject" : e.value} by map ${map} { ${e.text} }`);
  };
  refusedBy("no-endpoint-services", clusterKey);
  if (port.nodePort !== undefined) refusedBy("no-endpoint-nodeports", nodeKey);

  const chains = nftablesChains(port);
  const expected = service.internalTrafficPolicy === "Local" ? chains.local : chains.cluster;
  const target = cluster ? verdictChain(cluster.value) : undefined;
  if (target && target !== expected) out.problems.push(`map service-ips sends the cluster IP to ${target}, but kube-proxy names this port's chain ${expected}`);
  const dispatch = target ?? (table.chains.has(expected) ? expected : undefined);
  if (!dispatch) return out;
  out.dispatch = dispatch;
  const rules = table.chains.get(dispatch) ?? [];
  if (!table.chains.has(dispatch)) out.problems.push(`chain ${dispatch} is missing from table ip kube-proxy`);
  const masq = rules.find((r) => r.endsWith("jump mark-for-masquerade"));
  if (masq) out.notes.push(`masquerade (SNAT to the node) for what this rule matches: ${masq}`);
  if (rules.some((r) => /saddr @affinity-/.test(r))) out.notes.push("ClientIP session affinity: a client in an affinity-… set goes back to its endpoint");
  out.backends = backendsOf(table, rules, port, out.problems);
  return out;
}

function backendsOf(table: NftTable, rules: string[], port: ServicePort, problems: string[]): ServiceBackend[] {
  const rule = rules.find((r) => r.startsWith("numgen random mod "));
  const m = rule ? /^numgen random mod (\d+) vmap \{(.*)\}$/.exec(rule) : null;
  if (!m) return [];
  const n = Number(m[1]);
  return m[2]!.split(",").map((entry): ServiceBackend => {
    const [index, verdict] = entry.split(" : ").map((s) => s.trim());
    const chain = verdictChain(verdict ?? "") ?? "";
    const dnat = (table.chains.get(chain) ?? []).find((r) => r.includes(" dnat to "));
    const target = dnat ? dnat.slice(dnat.indexOf(" dnat to ") + 9).trim() : "";
    if (!dnat) problems.push(`${chain} has no dnat rule`);
    else {
      const [ip, p] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
      if (nftablesEndpointChain(port, ip, p) !== chain) problems.push(`${chain} DNATs to ${target}, but kube-proxy would name that endpoint's chain ${nftablesEndpointChain(port, ip, p)}`);
    }
    return { target, share: 1 / n, pick: `numgen ${index} of ${n}`, via: chain };
  });
}
