/**
 * explainPod on the recorded ptp, bridge and macvlan namespaces: what it finds on each side and the
 * words it says, and each disagreement it reports as a problem.
 */
import { describe, expect, it } from "vitest";
import { explainPod, routesCovering } from "../../pod-net/explain";
import { parseIpRoute } from "../../ip/iproute2";
import { renderPodExplanation } from "../../pod-net/render";
import { pod, readings } from "./fixtures";

describe("explainPod", () => {
  it("ptp (kindnet): the veth's node end on no bridge, reached by a /32 host route", () => {
    const x = explainPod(pod("ptp"), "lab-worker", "ptp", readings("ptp"));
    expect(x.problems).toEqual([]);
    expect([x.attachment, x.podInterface?.name, x.nodeInterface?.name, x.nodeInterface?.master, x.nodeInterface?.addresses]).toEqual(["veth", "eth0", "veth1a2b3c4d", undefined, ["10.244.1.1/32"]]);
    expect(x.nodeRoutes).toEqual(["10.244.1.5 dev veth1a2b3c4d scope host"]);
    expect(x.story).toEqual([
      "The pause container (sandbox 5b0e4c7a9d3f2, image registry.k8s.io/pause:3.10, pid 4242) holds the pod's network namespace /var/run/netns/cni-6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b; every container of the pod (app, sidecar) joins it, so they share one eth0, one IP (10.244.1.5) and one localhost: a container reaches another on 127.0.0.1.",
      "eth0 in the pod (10.244.1.5/24, MTU 1500) is one end of a veth pair; its other end is veth1a2b3c4d (ifindex 3) on node lab-worker.",
      "veth1a2b3c4d is on no bridge: the node reaches the pod by a route of its own, '10.244.1.5 dev veth1a2b3c4d scope host'.",
      "Inside the pod, everything not on-link goes to 10.244.1.1 ('default via 10.244.1.1 dev eth0 onlink').",
    ]);
  });

  it("bridge (flannel): the node end a port of cni0, the pod reached through the bridge's /24", () => {
    const x = explainPod(pod("bridge"), "lab-worker", "bridge", readings("bridge"));
    expect(x.problems).toEqual([]);
    expect([x.nodeInterface?.name, x.nodeInterface?.master, x.nodeInterface?.mtu, x.podInterface?.mtu]).toEqual(["veth3f1c9a2e", "cni0", 1450, 1450]);
    expect(x.nodeRoutes).toEqual(["10.244.2.0/24 dev cni0 proto kernel scope link src 10.244.2.1"]);
    expect(x.story[2]).toBe("veth3f1c9a2e is a port of the bridge cni0: the node reaches the pod through the bridge (route '10.244.2.0/24 dev cni0 proto kernel scope link src 10.244.2.1'), and the pods on this node meet on cni0.");
  });

  it("macvlan: no veth, the parent device on the node instead", () => {
    const x = explainPod(pod("macvlan"), "lab-worker", "macvlan", readings("macvlan"));
    expect(x.problems).toEqual([]);
    expect([x.attachment, x.podInterface?.mode, x.nodeInterface?.name, x.nodeRoutes]).toEqual(["macvlan", "bridge", "eth0", []]);
    expect(x.story[1]).toContain("is not a veth: it is a macvlan device (mode bridge) on top of the node's eth0 (ifindex 2), with a MAC address of its own. There is no node-side end and no bridge");
    expect(renderPodExplanation(x)).toContain("  eth0  macvlan bridge  ifindex 3  MTU 1500  10.244.3.7/24  mac 0a:58:0a:f4:03:07  parent: ifindex 2 on the node\n");
  });

  it("ipvlan (absent from this kernel: the macvlan recording with its kind and mode changed): the parent, the shared MAC", () => {
    const r = readings("macvlan");
    const podLinks = r.podLinks.map((l) => (l.name === "eth0" ? { ...l, kind: "ipvlan", mode: "l2" } : l));
    const x = explainPod(pod("macvlan"), "lab-worker", "ipvlan-l2", { ...r, podLinks });
    expect(x.problems).toEqual([]);
    expect(x.story[1]).toBe(
      "eth0 in the pod (10.244.3.7/24, MTU 1500) is not a veth: it is an ipvlan device (mode l2) on top of the node's eth0 (ifindex 2), sharing the parent's MAC address. " +
        "There is no node-side end and no bridge: the pod's packets leave directly through the parent device, and the node's own address cannot reach the pod through it.",
    );
  });

  it("an attachment other than the stack's backend makes is a problem", () => {
    expect(explainPod(pod("ptp"), "lab-worker", "bridge", readings("ptp")).problems).toEqual([
      "the stack's backend attaches pods by bridge (a veth per pod whose node end is a port of the bridge cni0), but this pod's eth0 is a veth",
    ]);
    expect(explainPod(pod("bridge"), "lab-worker", "ipvlan-l2", readings("bridge")).problems).toEqual([
      "the stack's backend attaches pods by ipvlan-l2 (an ipvlan (L2) sub-interface of the node's eth0), but this pod's eth0 is a veth on bridge cni0",
    ]);
  });

  it("a pod IP the namespace does not hold, a peer the node lacks, no route: each a problem", () => {
    const r = readings("ptp");
    const wrongIp = explainPod(pod("ptp", { ip: "10.244.1.99" }), "lab-worker", "ptp", r);
    expect(wrongIp.problems).toEqual([
      "the runtime recorded IP 10.244.1.5 for the sandbox, the API server says 10.244.1.99",
      "no interface in the pod's network namespace has the pod IP 10.244.1.99 (eth0 has 10.244.1.5/24)",
      "node lab-worker has no route to the pod IP 10.244.1.99",
    ]);
    const noPeer = explainPod(pod("ptp"), "lab-worker", "ptp", { ...r, nodeLinks: r.nodeLinks.filter((l) => l.kind !== "veth" || l.name === "eth0"), nodeRoutes: [] });
    expect(noPeer.problems).toEqual(["eth0 is a veth whose peer is ifindex 3, which node lab-worker does not have", "node lab-worker has no route to the pod IP 10.244.1.5"]);
    const closed = explainPod(pod("ptp"), "lab-worker", "ptp", { ...r, sandbox: { ...r.sandbox, ready: false, netnsClosed: true } });
    expect(closed.problems).toEqual(["sandbox 5b0e4c7a9d3f2 is not ready (crictl says SANDBOX_NOTREADY)", "the sandbox's network namespace is closed: the pod's network was torn down"]);
  });
});

describe("routesCovering", () => {
  it("host routes and prefixes that hold the address, most specific first; never default", () => {
    const routes = parseIpRoute(JSON.stringify([{ dst: "default", gateway: "172.18.0.1", dev: "eth0" }, { dst: "10.244.0.0/16", dev: "flannel.1" }, { dst: "10.244.1.5", dev: "veth1a2b3c4d", scope: "host" }, { dst: "10.244.2.0/24", dev: "cni0" }]));
    expect(routesCovering(routes, "10.244.1.5").map((r) => r.dev)).toEqual(["veth1a2b3c4d", "flannel.1"]);
    expect(routesCovering(routes, "192.168.1.1")).toEqual([]);
    expect(routesCovering(routes, "fd00::5")).toEqual([]);
  });
});
