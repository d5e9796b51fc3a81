/**
 * IPVS mode: one virtual server per ClusterIP:port with the configured scheduler (default rr) and
 * one real server per endpoint, weight 1, forwarding Masq (conn_flags 0); a terminating endpoint is
 * kept with weight 0 until its connections end; ClientIP affinity sets the persistent flag with the
 * affinity timeout; NodePorts are one virtual server per node address (kubernetes/kubernetes v1.34.0
 * pkg/proxy/ipvs/proxier.go defaultScheduler, syncService, syncEndpoint; graceful_termination.go).
 * The ClusterIPs are bound to the dummy device kube-ipvs0 so the node accepts them. Pure.
 */
import { emptyPort, type ServiceBackend, type PortExplanation } from "./explanation";
import type { VirtualServer } from "./ipvs-list";
import type { ServicePort, ServiceView } from "./service";

/** Schedulers whose split follows the weights alone (round robin, weighted round robin). */
const BY_WEIGHT = new Set(["rr", "wrr"]);

export function explainIpvsPort(servers: readonly VirtualServer[], service: ServiceView, port: ServicePort): PortExplanation {
  const out = emptyPort(port);
  const proto = port.protocol.toUpperCase();
  const cluster = servers.find((v) => v.protocol === proto && v.address === `${service.clusterIP}:${port.number}`);
  if (cluster) out.frontends.push({ kind: "cluster IP", address: cluster.address, via: `virtual server ${cluster.text}` });
  const nodePorts = port.nodePort === undefined ? [] : servers.filter((v) => v.protocol === proto && v.address.endsWith(`:${port.nodePort}`));
  for (const v of nodePorts) out.frontends.push({ kind: "node port", address: v.address, via: `virtual server ${v.text}` });
  const vs = cluster ?? nodePorts[0];
  if (!vs) return out;
  out.dispatch = `virtual server ${vs.address} (${vs.scheduler})`;
  if (vs.flags.startsWith("persistent")) out.notes.push(`ClientIP session affinity: ${vs.flags} s, a client goes back to the same real server`);
  if (!BY_WEIGHT.has(vs.scheduler)) out.notes.push(`scheduler ${vs.scheduler}: the split follows live connection counts or hashing; the shares below are the weights'`);
  if (vs.reals.length === 0) out.refused.push(`virtual server ${vs.address} has no real server: new connections find no backend`);
  const total = vs.reals.reduce((sum, r) => sum + r.weight, 0);
  out.backends = vs.reals.map(
    (r): ServiceBackend => ({ target: r.address, share: total === 0 ? 0 : r.weight / total, pick: `weight ${r.weight}${r.weight === 0 ? " (terminating: no new connections)" : ""}, ${r.forward}`, via: `real server ${r.text}` }),
  );
  for (const r of vs.reals) if (r.forward !== "Masq") out.problems.push(`real server ${r.address} forwards with ${r.forward}; kube-proxy writes Masq`);
  return out;
}
