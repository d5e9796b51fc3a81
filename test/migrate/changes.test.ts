/** The table of what a migration changed, from two snapshots: flannel VXLAN before, calico VXLAN after. */
import { describe, expect, it } from "vitest";
import { changeRows, renderChanges, type LabSnapshot } from "../../migrate/changes";

const before: LabSnapshot = {
  backend: "flannel-vxlan",
  nodes: [
    {
      node: "w1",
      devices: [{ name: "eth0", kind: "veth", mtu: 1500 }, { name: "flannel.1", kind: "vxlan", mtu: 1450, vxlan: { id: 1, port: 8472 } }, { name: "cni0", kind: "bridge", mtu: 1450 }],
      podInterfaces: 3,
      podMtus: [1450],
      routes: ["default via 172.16.2.1 dev eth0", "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1", "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink", "172.16.2.0/24 dev eth0 proto kernel scope link src 172.16.2.3"],
    },
  ],
  pods: [{ namespace: "web", name: "web-1", ip: "10.244.1.4" }],
};

const after: LabSnapshot = {
  backend: "calico-vxlan",
  nodes: [
    {
      node: "w1",
      devices: [{ name: "eth0", kind: "veth", mtu: 1500 }, { name: "vxlan.calico", kind: "vxlan", mtu: 1450, vxlan: { id: 4096, port: 4789 } }],
      podInterfaces: 3,
      podMtus: [1450],
      routes: [
        "default via 172.16.2.1 dev eth0",
        "blackhole 10.244.97.0/26 proto 80",
        "10.244.97.1 dev cali1234567890a scope link",
        "10.244.97.2 dev cali1234567890b scope link",
        "10.244.120.64/26 via 10.244.120.64 dev vxlan.calico onlink",
        "172.16.2.0/24 dev eth0 proto kernel scope link src 172.16.2.3",
      ],
    },
  ],
  pods: [{ namespace: "web", name: "web-2", ip: "10.244.97.2" }],
};

describe("changeRows", () => {
  const rows = Object.fromEntries(changeRows(before, after, "10.244.0.0/16").map((r) => [r.what, [r.before, r.after]]));

  it("devices: the CNI's own with kind and MTU, pod veths counted; the node's eth0 left out", () => {
    expect(rows["w1: devices"]).toEqual(["flannel.1 (vxlan VNI 1 port 8472, MTU 1450), cni0 (bridge, MTU 1450), 3 pod veths", "vxlan.calico (vxlan VNI 4096 port 4789, MTU 1450), 3 pod veths"]);
  });

  it("routes inside the pod subnet only: blocks listed (a blackhole too), per-pod /32 routes counted", () => {
    expect(rows["w1: routes in 10.244.0.0/16"]).toEqual([
      "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1; 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink",
      "blackhole 10.244.97.0/26 proto 80; 10.244.120.64/26 via 10.244.120.64 dev vxlan.calico onlink; 2 pod /32 routes",
    ]);
  });

  it("pod IPs per namespace, pod MTU, NetworkPolicy from each backend's facts", () => {
    expect(rows["pod IPs in web"]).toEqual(["10.244.1.4", "10.244.97.2"]);
    expect(rows["pod MTU (node-side veths)"]).toEqual(["1450", "1450"]);
    expect(rows["NetworkPolicy"]).toEqual(["not enforced", "enforced (ingress, egress, ipBlock)"]);
  });

  it("renders * for what changed and = for what did not", () => {
    const text = renderChanges(changeRows(before, after, "10.244.0.0/16"));
    expect(text).toMatch(/^ {2}= +pod MTU \(node-side veths\) +1450 +1450$/m);
    expect(text).toMatch(/^ {2}\* +NetworkPolicy +not enforced +enforced \(ingress, egress, ipBlock\)$/m);
  });
});
