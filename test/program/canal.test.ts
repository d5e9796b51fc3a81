/**
 * The canal stack under Pulumi mocks, its manifest given by the stand-in written from its facts: what
 * the program registers for calico's manifest, with the planned keys and images, before the readiness
 * Job that awaits calico-node's DaemonSet.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../helpers/mocks";
import { runLabStack } from "./run-stack";

let recorded: RecordedResource[];
beforeAll(async () => {
  recorded = (await runLabStack("canal")).recorded;
}, 60_000);

const named = (type: string, name: string) => recorded.find((r) => r.type === type && r.inputs.metadata?.name === name)!;

describe("the program for stack canal", () => {
  it("registers every object of calico's manifest under the Cni component, no Helm release", () => {
    const cni = recorded.find((r) => r.type === "cnilab:cni:Cni")!;
    const mine = recorded.filter((r) => r.parent === cni.urn);
    expect(mine.filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")).toHaveLength(23);
    expect(mine.map((r) => r.type)).toContain("kubernetes:policy/v1:PodDisruptionBudget");
    expect(recorded.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")).toEqual([]);
  });

  it("canal-config carries the stack's pod subnet, eth0 and flannel.1's MTU", () => {
    const cm = named("kubernetes:core/v1:ConfigMap", "canal-config");
    expect(cm.inputs.metadata.namespace).toBe("kube-system");
    expect(cm.inputs.data).toMatchObject({ canal_iface: "eth0", veth_mtu: "1450", masquerade: "true" });
    expect(JSON.parse(cm.inputs.data["net-conf.json"])).toEqual({ Network: "10.244.0.0/16", Backend: { Type: "vxlan" } });
  });

  it("the canal DaemonSet runs calico's node by digest and flanneld by tag; the readiness Job waits for it", () => {
    const ds = named("kubernetes:apps/v1:DaemonSet", "canal");
    const images = [...ds.inputs.spec.template.spec.initContainers, ...ds.inputs.spec.template.spec.containers].map((c: { image: string }) => c.image);
    expect(images).toContain("quay.io/calico/node:v3.32.1@sha256:7f874b3f0b540c2b523aea9961ef5e2f43b0af9056a47874c916d6cf348168d3");
    expect(images).toContain("docker.io/flannel/flannel:v0.24.4");
    const job = named("kubernetes:batch/v1:Job", "cnilab-cni-ready");
    expect(job.dependencies).toContain(ds.urn);
    const steps = job.inputs.spec.template.spec.initContainers.map((c: { command: string[] }) => c.command.join(" "));
    expect(steps.concat(job.inputs.spec.template.spec.containers.map((c: { command: string[] }) => c.command.join(" ")))).toContain(
      "/bin/kubectl -n kube-system rollout status ds/canal --timeout=166s",
    );
  });
});
