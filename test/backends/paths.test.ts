/**
 * The one path → limitation table, with each backend's expectations written by hand from its
 * limitations (backends/multiplex.ts): macvlan and ipvlan L2 have no route to nodes or ClusterIPs,
 * ipvlan L3 loses packets to its own node, the others (flannel, calico, canal, kindnet) connect everywhere.
 */
import { describe, expect, it } from "vitest";
import { BACKEND_FACTS } from "../../backends";
import { POD_PATHS, expectOnPath, type PodPath } from "../../backends/paths";

const PATHS = Object.keys(POD_PATHS) as PodPath[];
const outcomes = (backend: keyof typeof BACKEND_FACTS) => Object.fromEntries(PATHS.map((p) => [p, expectOnPath(BACKEND_FACTS[backend], p).expect]));
const ALL_CONNECT = Object.fromEntries(PATHS.map((p) => [p, "connected"]));

describe("expectOnPath", () => {
  it("flannel, calico and canal: every path connects, for the reason a working pod network gives", () => {
    // canal's pods sit on calico's veths and flannel's overlay: neither stops a pod reaching its node or a ClusterIP.
    for (const backend of ["flannel-vxlan", "flannel-host-gw", "calico-ipip", "canal"] as const) expect(outcomes(backend), backend).toEqual(ALL_CONNECT);
    expect(expectOnPath(BACKEND_FACTS["flannel-vxlan"], "pod-service")).toEqual({ expect: "connected", why: "a working pod network connects this path" });
  });

  it("macvlan: no route to node addresses or ClusterIPs; a Service name fails at DNS; the NodePort at the first limitation met", () => {
    expect(outcomes("macvlan")).toEqual({
      "pod-same-node": "connected",
      "pod-other-node": "connected",
      "pod-own-node-ip": "no-route",
      "pod-other-node-ip": "no-route",
      "pod-service": "no-route",
      "pod-service-name": "dns-error",
      "pod-nodeport": "no-route",
      "pod-internet": "connected",
    });
    const own = expectOnPath(BACKEND_FACTS.macvlan, "pod-own-node-ip");
    expect(own.limitation?.id).toBe("pod-to-own-node");
    expect(own.why.startsWith(`${BACKEND_FACTS.macvlan.title}: the kernel never delivers`)).toBe(true);
    const byName = expectOnPath(BACKEND_FACTS.macvlan, "pod-service-name");
    expect(byName.limitation?.id).toBe("pod-to-clusterip");
    expect(byName.why).toContain("cluster DNS is a ClusterIP Service, and pods have no route to the service subnet");
  });

  it("ipvlan L3: its own node times out; other nodes are routed, so a NodePort fails only where the node reaches its own pods", () => {
    const l3 = outcomes("ipvlan-l3");
    expect([l3["pod-own-node-ip"], l3["pod-other-node-ip"], l3["pod-nodeport"]]).toEqual(["timeout", "connected", "timeout"]);
    expect(expectOnPath(BACKEND_FACTS["ipvlan-l3"], "pod-nodeport").limitation?.id).toBe("node-to-own-pods");
  });
});
