/**
 * One small kind-like cluster as data — its Services and EndpointSlices as the API returns them —
 * and the rules kube-proxy v1.34.0 writes for it, in the order and argument form it writes them
 * (kubernetes/kubernetes v1.34.0 pkg/proxy/iptables/proxier.go; pkg/proxy/nftables/proxier.go and
 * the `add …` lines its proxier_test.go expects). The tests load these into a network namespace
 * and read them back with the real iptables-save / nft, which is what a node prints.
 */
import type { ApiEndpointSlice, ApiService } from "../../kube-proxy/service";
import { iptablesChains, iptablesEndpointChain, nftablesChains, nftablesEndpointChain, servicePortName, type ServicePortKey } from "../../kube-proxy/names";

export const POD_CIDR = "10.244.0.0/16";

interface Svc {
  namespace: string;
  name: string;
  clusterIP: string;
  type?: "NodePort";
  ports: { name: string; protocol: "TCP" | "UDP"; port: number; targetPort: number; nodePort?: number }[];
  /** Endpoints (all ready), each with the pod and node behind it. */
  endpoints: { ip: string; pod: string; node: string }[];
}

export const SERVICES: Svc[] = [
  { namespace: "default", name: "kubernetes", clusterIP: "10.96.0.1", ports: [{ name: "https", protocol: "TCP", port: 443, targetPort: 6443 }], endpoints: [{ ip: "172.18.0.3", pod: "", node: "" }] },
  {
    namespace: "kube-system",
    name: "kube-dns",
    clusterIP: "10.96.0.10",
    ports: [
      { name: "dns", protocol: "UDP", port: 53, targetPort: 53 },
      { name: "dns-tcp", protocol: "TCP", port: 53, targetPort: 53 },
    ],
    endpoints: [
      { ip: "10.244.0.3", pod: "coredns-7db6d8ff4d-4kq2x", node: "lab-control-plane" },
      { ip: "10.244.0.4", pod: "coredns-7db6d8ff4d-9wz7c", node: "lab-control-plane" },
    ],
  },
  {
    namespace: "default",
    name: "echo",
    clusterIP: "10.96.120.7",
    type: "NodePort",
    ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: 8080, nodePort: 30080 }],
    endpoints: [
      { ip: "10.244.1.2", pod: "echo-5d9c7b8f6-aaaaa", node: "lab-worker" },
      { ip: "10.244.2.2", pod: "echo-5d9c7b8f6-bbbbb", node: "lab-worker2" },
      { ip: "10.244.2.3", pod: "echo-5d9c7b8f6-ccccc", node: "lab-worker2" },
    ],
  },
  { namespace: "default", name: "empty", clusterIP: "10.96.33.5", ports: [{ name: "", protocol: "TCP", port: 80, targetPort: 80 }], endpoints: [] },
];

export function apiService(s: Svc): ApiService {
  return {
    metadata: { namespace: s.namespace, name: s.name },
    spec: {
      type: s.type ?? "ClusterIP",
      clusterIP: s.clusterIP,
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ports: s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), protocol: p.protocol, port: p.port, targetPort: p.targetPort, ...(p.nodePort ? { nodePort: p.nodePort } : {}) })),
    },
  };
}

export function apiSlices(s: Svc): ApiEndpointSlice[] {
  return [
    {
      addressType: "IPv4",
      ports: s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), protocol: p.protocol, port: p.targetPort })),
      endpoints: s.endpoints.map((e) => ({
        addresses: [e.ip],
        conditions: { ready: true, serving: true, terminating: false },
        ...(e.node ? { nodeName: e.node } : {}),
        ...(e.pod ? { targetRef: { kind: "Pod", namespace: s.namespace, name: e.pod } } : {}),
      })),
    },
  ];
}

export const find = (namespace: string, name: string) => SERVICES.find((s) => s.namespace === namespace && s.name === name)!;

const key = (s: Svc, p: Svc["ports"][number]): ServicePortKey => ({ namespace: s.namespace, name: s.name, port: p.name, protocol: p.protocol });
const probability = (n: number) => (1 / n).toFixed(10);
const q = (text: string) => (text.includes(" ") ? `"${text}"` : text);

/** iptables-restore input as kube-proxy's syncProxyRules builds it (filter, then nat). */
export function iptablesRestore(): string {
  const filter = ["*filter", ":KUBE-SERVICES - [0:0]", ":KUBE-EXTERNAL-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]", ":KUBE-FORWARD - [0:0]"];
  const filterRules = [
    `-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`,
    `-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`,
  ];
  const nat = ["*nat", ":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]", ":KUBE-POSTROUTING - [0:0]", ":KUBE-MARK-MASQ - [0:0]"];
  const natRules = [
    `-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`,
    `-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`,
    `-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000`,
    `-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000`,
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully`,
  ];
  for (const s of SERVICES) {
    for (const p of s.ports) {
      const k = key(s, p);
      const name = servicePortName(k);
      const proto = p.protocol.toLowerCase();
      const chains = iptablesChains(k);
      const match = `-m ${proto} -p ${proto} -d ${s.clusterIP} --dport ${p.port}`;
      if (s.endpoints.length === 0) {
        filterRules.push(`-A KUBE-SERVICES -m comment --comment ${q(`${name} has no endpoints`)} ${match} -j REJECT`);
        continue;
      }
      nat.push(`:${chains.cluster} - [0:0]`);
      natRules.push(`-A KUBE-SERVICES -m comment --comment ${q(`${name} cluster IP`)} ${match} -j ${chains.cluster}`);
      if (p.nodePort) {
        nat.push(`:${chains.external} - [0:0]`);
        natRules.push(`-A KUBE-NODEPORTS -m comment --comment ${q(name)} -m ${proto} -p ${proto} --dport ${p.nodePort} -j ${chains.external}`);
        natRules.push(`-A ${chains.external} -m comment --comment ${q(`masquerade traffic for ${name} external destinations`)} -j KUBE-MARK-MASQ`);
        natRules.push(`-A ${chains.external} -j ${chains.cluster}`);
      }
      natRules.push(`-A ${chains.cluster} -m comment --comment ${q(`${name} cluster IP`)} ${match} ! -s ${POD_CIDR} -j KUBE-MARK-MASQ`);
      s.endpoints.forEach((e, i) => {
        const target = `${e.ip}:${p.targetPort}`;
        const sep = iptablesEndpointChain(k, target);
        const left = s.endpoints.length - i;
        const pick = left > 1 ? ` -m statistic --mode random --probability ${probability(left)}` : "";
        nat.push(`:${sep} - [0:0]`);
        natRules.push(`-A ${chains.cluster} -m comment --comment ${q(`${name} -> ${target}`)}${pick} -j ${sep}`);
        natRules.push(`-A ${sep} -m comment --comment ${q(name)} -s ${e.ip} -j KUBE-MARK-MASQ`);
        natRules.push(`-A ${sep} -m comment --comment ${q(name)} -m ${proto} -p ${proto} -j DNAT --to-destination ${target}`);
      });
    }
  }
  natRules.push(`-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  return [...filter, ...filterRules, "COMMIT", ...nat, ...natRules, "COMMIT", ""].join("\n");
}

/** `nft -f` input in the `add …` form kube-proxy's nftables proxier_test.go expects, for the same cluster. */
export function nftInput(): string {
  const t = "ip kube-proxy";
  const lines = [
    `add table ${t} { comment "rules for kube-proxy" ; }`,
    `add chain ${t} mark-for-masquerade`,
    `add rule ${t} mark-for-masquerade mark set mark or 0x4000`,
    `add chain ${t} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`,
    `add rule ${t} reject-chain reject`,
    `add chain ${t} services`,
    `add chain ${t} service-endpoints-check`,
    `add chain ${t} nat-prerouting { type nat hook prerouting priority -100 ; }`,
    `add rule ${t} nat-prerouting jump services`,
    `add set ${t} cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }`,
    `add map ${t} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`,
    `add map ${t} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }`,
    `add map ${t} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }`,
    `add rule ${t} services ip daddr . meta l4proto . th dport vmap @service-ips`,
    `add rule ${t} services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports`,
    `add rule ${t} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services`,
  ];
  for (const s of SERVICES) {
    for (const p of s.ports) {
      const k = key(s, p);
      const proto = p.protocol.toLowerCase();
      const chains = nftablesChains(k);
      lines.push(`add element ${t} cluster-ips { ${s.clusterIP} }`);
      if (s.endpoints.length === 0) {
        lines.push(`add element ${t} no-endpoint-services { ${s.clusterIP} . ${proto} . ${p.port} comment "${servicePortName(k)}" : goto reject-chain }`);
        continue;
      }
      const eps = s.endpoints.map((e) => ({ ...e, chain: nftablesEndpointChain(k, e.ip, p.targetPort) }));
      for (const e of eps) {
        lines.push(`add chain ${t} ${e.chain}`, `add rule ${t} ${e.chain} ip saddr ${e.ip} jump mark-for-masquerade`, `add rule ${t} ${e.chain} meta l4proto ${proto} dnat to ${e.ip}:${p.targetPort}`);
      }
      lines.push(
        `add chain ${t} ${chains.cluster}`,
        `add rule ${t} ${chains.cluster} ip daddr ${s.clusterIP} ip saddr != ${POD_CIDR} jump mark-for-masquerade`,
        `add rule ${t} ${chains.cluster} numgen random mod ${eps.length} vmap { ${eps.map((e, i) => `${i} : goto ${e.chain}`).join(" , ")} }`,
        `add element ${t} service-ips { ${s.clusterIP} . ${proto} . ${p.port} : goto ${chains.cluster} }`,
      );
      if (p.nodePort) {
        lines.push(
          `add chain ${t} ${chains.external}`,
          `add rule ${t} ${chains.external} jump mark-for-masquerade`,
          `add rule ${t} ${chains.external} goto ${chains.cluster}`,
          `add element ${t} service-nodeports { ${proto} . ${p.nodePort} : goto ${chains.external} }`,
        );
      }
    }
  }
  return lines.join("\n") + "\n";
}
