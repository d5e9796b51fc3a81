/**
 * renderManifest on a stand-in written from canal's facts (test/helpers/manifest-fixture.ts): the
 * planned ConfigMap keys set, every image replaced, and a file that differs from its facts refused
 * with each difference named.
 */
import { describe, expect, it } from "vitest";
import { installCni, type InstallContext, type K8sObject } from "../../backends";
import { imagesIn } from "../../pins/image-map";
import { manifestObjectRefs, renderManifest } from "../../plan/manifest";
import { manifestFixtureText } from "../helpers/manifest-fixture";

const ctx: InstallContext = { clusterName: "c", podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/16", kubeProxyMode: "iptables", nodeSubnet: "172.16.13.0/24", nodes: [] };
const m = installCni("canal", ctx).manifests![0]!;
const find = (objs: K8sObject[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name)!;

describe("renderManifest (canal v3.32.1)", () => {
  const objects = renderManifest(manifestFixtureText(m.pin), m);

  it("gives every object the facts list, nothing else, in the file's order", () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(manifestObjectRefs(m).map((o) => `${o.kind} ${o.metadata.name}`));
    expect(objects).toHaveLength(5 + 23 + 10 + 2);
  });

  it("sets the planned keys of canal-config and keeps the others", () => {
    expect(find(objects, "ConfigMap", "canal-config").data).toEqual({
      typha_service_name: "none",
      canal_iface: "eth0",
      masquerade: "true",
      veth_mtu: "1450",
      "net-conf.json": '{\n  "Network": "10.244.0.0/16",\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n',
      cni_network_config: "{}",
    });
  });

  it("runs calico's images by digest, flannel by tag, every container included", () => {
    expect(imagesIn(find(objects, "DaemonSet", "canal"))).toEqual([
      "quay.io/calico/cni:v3.32.1@sha256:bb1567e3ed81e2e8414e9a68f186e1f7ffd4067a4871a9ae90896793af0190dd",
      "quay.io/calico/node:v3.32.1@sha256:7f874b3f0b540c2b523aea9961ef5e2f43b0af9056a47874c916d6cf348168d3",
      "quay.io/calico/node:v3.32.1@sha256:7f874b3f0b540c2b523aea9961ef5e2f43b0af9056a47874c916d6cf348168d3",
      "docker.io/flannel/flannel:v0.24.4",
    ]);
    expect(imagesIn(find(objects, "Deployment", "calico-kube-controllers"))).toEqual([
      "quay.io/calico/kube-controllers:v3.32.1@sha256:18008f781c869376dbbc4dfb1ffe3afb46f7897887d4f20e080c420ac44a6612",
    ]);
  });


  it("refuses a file that differs from its facts, naming every difference at once", () => {
    const changed = manifestFixtureText(m.pin, (docs) => {
      const out = docs.filter((d) => d.metadata.name !== "calico-tier-getter" || d.kind !== "ClusterRole");
      out.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "new", namespace: "kube-system" } });
      const cm = out.find((d) => d.kind === "ConfigMap")!;
      delete cm.data.veth_mtu;
      const ds = out.find((d) => d.kind === "DaemonSet")!;
      ds.spec.template.spec.containers[1].image = "docker.io/flannel/flannel:v0.25.0";
      return out;
    });
    expect(() => renderManifest(changed, m)).toThrow(
      [
        `canal v3.32.1 (${m.pin.url}) does not match its facts:`,
        "  holds no rbac.authorization.k8s.io/v1 ClusterRole calico-tier-getter, which pins/manifest-facts.ts lists",
        "  holds v1 Secret kube-system/new, which pins/manifest-facts.ts does not list",
        "  ConfigMap kube-system/canal-config has no key 'veth_mtu' to set",
        "  names docker.io/flannel/flannel:v0.24.4 0 times, pins/manifest-facts.ts says 1",
        "  names image docker.io/flannel/flannel:v0.25.0, which the plan does not pin",
      ].join("\n"),
    );
  });

  it("refuses text that is not YAML", () => {
    expect(() => renderManifest("a: [1\n", m)).toThrow(/^canal v3\.32\.1 \(.*\): not YAML: /);
  });
});
