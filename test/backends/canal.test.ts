/**
 * Canal as planned against what calico's manifest and flannel's code say at the pinned tags
 * (pins/manifest-facts.ts, backends/canal.ts comments): the expected values are written here from
 * those sources, not taken from the planner.
 */
import { describe, expect, it } from "vitest";
import { BACKEND_FACTS, installCni, type InstallContext } from "../../backends";
import { podMtu } from "../../backends/mtu";
import { CANAL_MANIFEST, CANAL_MANIFEST_FACTS } from "../../pins";
import { readinessSteps } from "../../plan/readiness";

const ctx = (podSubnet: string): InstallContext => ({
  clusterName: "c",
  podSubnet,
  serviceSubnet: "10.96.0.0/16",
  kubeProxyMode: "iptables",
  nodeSubnet: "172.16.13.0/24",
  nodes: [{ name: "c-control-plane", role: "control-plane" }],
});

describe("canal's facts", () => {
  const canal = BACKEND_FACTS.canal;
  const flannel = BACKEND_FACTS["flannel-vxlan"];

  it("flannel's VXLAN datapath: flannel.1, VNI 1, UDP 8472, 50 bytes; pods on calico's veths, not cni0", () => {
    expect(canal.datapath).toEqual({ ...flannel.datapath, podAttachment: "proxy-arp" });
    expect(canal.datapath).toMatchObject({ encapsulation: "vxlan", device: "flannel.1", vxlan: { vni: 1, port: 8472 }, overheadBytes: 50, routeBlockPrefix: 24 });
    expect(flannel.datapath.podAttachment).toBe("bridge");
  });

  it("calico's policy: ingress, egress and ipBlock enforced, where flannel enforces none", () => {
    expect([canal.enforcement.ingress, canal.enforcement.egress, canal.enforcement.ipBlock]).toEqual([true, true, true]);
    expect([flannel.enforcement.ingress, flannel.enforcement.egress, flannel.enforcement.ipBlock]).toEqual([false, false, false]);
    expect(canal.family).toBe("canal");
    expect(canal.prerequisites).toEqual({ cniPlugins: [], kernelModules: ["vxlan"] });
  });
});

describe("installCni('canal')", () => {
  const install = installCni("canal", ctx("10.200.0.0/16"));
  const m = install.manifests![0]!;

  it("applies calico's manifests/canal.yaml at v3.32.1, pinned by sha256, and no chart or object of ours", () => {
    expect(m.pin).toEqual({
      name: "canal",
      version: "v3.32.1",
      url: "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/canal.yaml",
      sha256: "aa58a7b245586a90d75d969b9184326f6218acea7e4951ce2931113cd8e91e39",
      bytes: 348_792,
    });
    expect(m.pin).toBe(CANAL_MANIFEST);
    expect(install.charts).toEqual([]);
    expect(install.objects).toEqual([]);
  });

  it("sets three keys of canal-config, each one the file has: the pod CIDR, eth0, and flannel.1's MTU for the veths", () => {
    expect(m.settings).toEqual({
      "net-conf.json": '{\n  "Network": "10.200.0.0/16",\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n',
      canal_iface: "eth0",
      // kind's eth0 1500 − VXLAN 50; at the file's 0 Felix would hand pods 1500 (no calico encapsulation).
      veth_mtu: "1450",
    });
    for (const key of Object.keys(m.settings)) expect(Object.keys(CANAL_MANIFEST_FACTS.config.values)).toContain(key);
    expect(Number(m.settings.veth_mtu)).toBe(podMtu(BACKEND_FACTS["flannel-vxlan"].datapath, 1500));
  });

  it("runs calico's images by the digests found for v3.32.1 and flannel by the manifest's tag", () => {
    expect(m.images).toEqual({
      "quay.io/calico/cni:v3.32.1": "quay.io/calico/cni:v3.32.1@sha256:bb1567e3ed81e2e8414e9a68f186e1f7ffd4067a4871a9ae90896793af0190dd",
      "quay.io/calico/node:v3.32.1": "quay.io/calico/node:v3.32.1@sha256:7f874b3f0b540c2b523aea9961ef5e2f43b0af9056a47874c916d6cf348168d3",
      "docker.io/flannel/flannel:v0.24.4": "docker.io/flannel/flannel:v0.24.4",
      "quay.io/calico/kube-controllers:v3.32.1": "quay.io/calico/kube-controllers:v3.32.1@sha256:18008f781c869376dbbc4dfb1ffe3afb46f7897887d4f20e080c420ac44a6612",
    });
  });

  it("is ready when DaemonSet kube-system/canal has rolled out, with time for calico-node's probes", () => {
    expect(install.readiness).toEqual({ daemonSets: [{ namespace: "kube-system", name: "canal" }], tigeraStatus: [] });
    const step = readinessSteps(install.readiness).find((s) => s.name === "rollout-kube-system-canal")!;
    // calico-node: readiness every 10 s from the start; liveness from 10 s, every 10 s, restart after 6
    // failures. A Felix that fails its first life is restarted at 10 + 6 × 10 = 70 s, and the step must
    // outlast that plus one readiness period of the second life.
    const { readiness, liveness } = CANAL_MANIFEST_FACTS.agent;
    expect(liveness.initialDelaySeconds + liveness.periodSeconds * liveness.failureThreshold + readiness.periodSeconds).toBe(80);
    expect(step.timeoutSeconds).toBeGreaterThanOrEqual(80);
  });
});
