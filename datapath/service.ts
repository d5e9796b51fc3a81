/**
 * kube-proxy's iptables Service path for one ClusterIP with two endpoints, on every node, shaped as
 * kube-proxy (iptables mode, v1.32 pkg/proxy/iptables/proxier.go) writes it — seed 003 shows the
 * KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-… DNAT chain. Pure.
 */
import { kubeProxyHash } from "../kube-proxy/names";
import { at } from "./step";
import type { Step } from "./step";
import { CLUSTER_IP, LISTEN_PORT, POD_CIDR, SERVICE_PORT } from "./topology";
import type { LabNode, LabTopology } from "./topology";

/** ServicePortName.String(): namespace/name:portName. */
export const SERVICE_PORT_NAME = "default/echo:http";
const MASQ_MARK = "0x4000";

export function serviceChain(): string {
  return `KUBE-SVC-${kubeProxyHash(`${SERVICE_PORT_NAME}tcp`)}`;
}

export function endpointChain(endpoint: string): string {
  return `KUBE-SEP-${kubeProxyHash(`${SERVICE_PORT_NAME}tcp${endpoint}`)}`;
}

/** kube-proxy's probability(n): 1/n printed with %0.10f; the last endpoint takes what is left. */
function probability(remaining: number): string {
  return (1 / remaining).toFixed(10);
}

export function planService(topo: LabTopology, node: LabNode): Step[] {
  const nat = (...argv: string[]) => at("service", node.netns)("iptables", "-w", "-t", "nat", ...argv);
  const svc = serviceChain();
  const endpoints = topo.endpoints.map((pod) => ({ pod, target: `${pod.address}:${LISTEN_PORT}`, chain: endpointChain(`${pod.address}:${LISTEN_PORT}`) }));
  const steps: Step[] = [
    ...["KUBE-SERVICES", "KUBE-MARK-MASQ", "KUBE-POSTROUTING", svc, ...endpoints.map((e) => e.chain)].map((c) => nat("-N", c)),
    nat("-A", "PREROUTING", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"),
    nat("-A", "OUTPUT", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"),
    nat("-A", "POSTROUTING", "-m", "comment", "--comment", "kubernetes postrouting rules", "-j", "KUBE-POSTROUTING"),
    nat("-A", "KUBE-MARK-MASQ", "-j", "MARK", "--or-mark", MASQ_MARK),
    nat("-A", "KUBE-POSTROUTING", "-m", "mark", "!", "--mark", `${MASQ_MARK}/${MASQ_MARK}`, "-j", "RETURN"),
    nat("-A", "KUBE-POSTROUTING", "-j", "MARK", "--xor-mark", MASQ_MARK),
    nat("-A", "KUBE-POSTROUTING", "-m", "comment", "--comment", "kubernetes service traffic requiring SNAT", "-j", "MASQUERADE", "--random-fully"),
    nat("-A", "KUBE-SERVICES", "-d", `${CLUSTER_IP}/32`, "-p", "tcp", "-m", "comment", "--comment", `${SERVICE_PORT_NAME} cluster IP`,
      "-m", "tcp", "--dport", String(SERVICE_PORT), "-j", svc),
    // With --cluster-cidr set, traffic from outside the pod range (a node itself) is masqueraded so
    // the endpoint's reply comes back through this node's conntrack.
    nat("-A", svc, "!", "-s", POD_CIDR, "-d", `${CLUSTER_IP}/32`, "-p", "tcp", "-m", "comment", "--comment", `${SERVICE_PORT_NAME} cluster IP`,
      "-m", "tcp", "--dport", String(SERVICE_PORT), "-j", "KUBE-MARK-MASQ"),
  ];
  endpoints.forEach((e, i) => {
    const remaining = endpoints.length - i;
    const pick = remaining > 1 ? ["-m", "statistic", "--mode", "random", "--probability", probability(remaining)] : [];
    steps.push(nat("-A", svc, "-m", "comment", "--comment", `${SERVICE_PORT_NAME} -> ${e.target}`, ...pick, "-j", e.chain));
  });
  for (const e of endpoints) {
    steps.push(
      // Hairpin: an endpoint reaching itself through the ClusterIP must be masqueraded.
      nat("-A", e.chain, "-s", `${e.pod.address}/32`, "-m", "comment", "--comment", SERVICE_PORT_NAME, "-j", "KUBE-MARK-MASQ"),
      nat("-A", e.chain, "-p", "tcp", "-m", "comment", "--comment", SERVICE_PORT_NAME, "-m", "tcp", "-j", "DNAT", "--to-destination", e.target),
    );
  }
  return steps;
}
