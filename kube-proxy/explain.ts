/**
 * `explain service` as one pure step: the Service, its EndpointSlices and what one node printed
 * for the stack's kube-proxy mode in, one explanation per Service port out.
 */
import type { KubeProxyMode } from "../backends/types";
import { matchEndpoints, type PortExplanation, type ServiceExplanation } from "./explanation";
import { parseIptablesSave } from "./iptables-save";
import { explainIptablesPort } from "./iptables";
import { parseIpvsList } from "./ipvs-list";
import { explainIpvsPort } from "./ipvs";
import { parseNftTable } from "./nft-list";
import { explainNftPort } from "./nftables";
import type { ServicePort, ServiceView } from "./service";

/**
 * What to run on the node for each mode, first choice first. IPVS: ipvsadm when the node has it,
 * else the kernel's own listing (kind's node image has no ipvsadm).
 */
export const NODE_COMMANDS: Record<KubeProxyMode, readonly (readonly string[])[]> = {
  iptables: [["iptables-save"]],
  ipvs: [["ipvsadm", "-Ln"], ["cat", "/proc/net/ip_vs"]],
  // kube-proxy's IPv4 table (v1.34.0 pkg/proxy/nftables/proxier.go kubeProxyTable, family ip).
  nftables: [["nft", "list", "table", "ip", "kube-proxy"]],
};

/** Why kube-proxy writes nothing for this Service, or undefined when it does. */
export function unprogrammed(service: ServiceView): string | undefined {
  if (service.type === "ExternalName") return "an ExternalName Service is a DNS CNAME only: kube-proxy writes no rules for it";
  if (service.clusterIP === "None") return "a headless Service (clusterIP: None) has no virtual IP: DNS answers with the endpoints' own addresses and kube-proxy writes no rules";
  return undefined;
}

export function explainService(service: ServiceView, mode: KubeProxyMode, node: string, source: string, output: string): ServiceExplanation {
  const portExplainer = explainerFor(mode, output);
  const ports = service.ports.map((port) => matchEndpoints(portExplainer(service, port), service.endpoints.get(port.port) ?? []));
  const missing = MODE_MARKS[mode].test(output) ? undefined : `node ${node} has no ${MODE_OBJECTS[mode]}: kube-proxy is not running in ${mode} mode there`;
  return { service, mode, node, source, ...(missing ? { missing } : {}), ports };
}

/** What every node running kube-proxy in the mode has, whatever its Services. */
const MODE_MARKS: Record<KubeProxyMode, RegExp> = {
  iptables: /^:KUBE-SERVICES /m,
  // kube-proxy always has the kubernetes Service's virtual server; an empty table means no kube-proxy.
  ipvs: /^(TCP|UDP|SCTP)\s/m,
  nftables: /^table ip kube-proxy \{/m,
};
const MODE_OBJECTS: Record<KubeProxyMode, string> = {
  iptables: "KUBE-SERVICES chain in iptables-save",
  ipvs: "IPVS virtual server",
  nftables: "table ip kube-proxy",
};

function explainerFor(mode: KubeProxyMode, output: string): (service: ServiceView, port: ServicePort) => PortExplanation {
  switch (mode) {
    case "iptables": {
      const save = parseIptablesSave(output);
      return (service, port) => explainIptablesPort(save, service, port);
    }
    case "ipvs": {
      const servers = parseIpvsList(output);
      return (service, port) => explainIpvsPort(servers, service, port);
    }
    case "nftables": {
      const table = parseNftTable(output);
      return (service, port) => explainNftPort(table, service, port);
    }
  }
}
