/**
 * The whole Pulumi program under mocks, once per stack file: what it registers, under which parent,
 * through which provider, in which order, and that the kubeconfig stays secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { plannedResourceCount } from "../../cli/services/plan-counts";
import { labResources } from "../../plan/resources";
import { readStackFile, type Spec } from "../../labs";
import { planLab } from "../../plan";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";
import { clusterStackNames, STACKS_DIR } from "../helpers/stacks";
import { asPlanned, byName, DYNAMIC_TYPE, runLabStack, type LabOutputs } from "./run-stack";
import * as path from "node:path";

const stacks = clusterStackNames();

/** The source identities each kind of lab check adds (README "Labs and what a run checks"). */
const CHECK_CLIENTS: Record<string, string[]> = {
  localhost: ["localhost-same-pod", "localhost-other-pod"],
  service: [],
  "empty-dir": ["empty-dir-reader"],
  "host-path": ["host-path-same-node", "host-path-other-node"],
  "persistent-volume": ["persistent-volume-reader"],
};

/** Every source identity of a stack: the health client, each client the scenarios' traffic names, each check's. */
function sourceIdentities(spec: Spec): string[] {
  return ["health-client", ...new Set(spec.lab.scenarios.flatMap((s) => s.traffic.map((t) => t.from))), ...spec.lab.checks.flatMap((c) => CHECK_CLIENTS[c.kind]!)];
}

const runs = new Map<string, { recorded: RecordedResource[]; outputs: LabOutputs; spec: Spec }>();

beforeAll(async () => {
  for (const stack of stacks) runs.set(stack, await runLabStack(stack));
}, 120_000);

/** The resources of one stack: the Lab and everything under it. */
function ofStack(stack: string): RecordedResource[] {
  return runs.get(stack)!.recorded;
}

describe.each(stacks)("the program for stack %s", (stack) => {
  it("registers the components, each child under its component", () => {
    const rs = ofStack(stack);
    const lab = rs.find((r) => r.type === "cnilab:lab:Lab")!;
    expect(lab.name).toBe("lab");
    // Everything but the Lab is under it: each child's parent was registered before it.
    const mine = new Set([lab.urn]);
    for (const r of rs) if (r.parent && mine.has(r.parent)) mine.add(r.urn);
    expect(rs.filter((r) => !mine.has(r.urn)).map((r) => r.type)).toEqual([]);
    const components = rs.filter((r) => r.type.startsWith("cnilab:") && r.type !== "cnilab:lab:Lab");
    expect(components.map((c) => c.type).sort()).toEqual(
      ["cnilab:assertions:Assertions", "cnilab:cluster:KindCluster", "cnilab:cni:Cni", "cnilab:policy:Policies", "cnilab:workloads:Workloads"].sort(),
    );
    for (const c of components) expect(c.parent, c.type).toBe(lab.urn);
    const provider = rs.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.parent).toBe(lab.urn);
    const cluster = components.find((c) => c.type === "cnilab:cluster:KindCluster")!;
    expect(rs.find((r) => r.type === DYNAMIC_TYPE)!.parent).toBe(cluster.urn);
    const componentUrns = new Set([lab.urn, ...components.map((c) => c.urn)]);
    for (const r of rs.filter((r) => r.type.startsWith("kubernetes:"))) expect(componentUrns.has(r.parent!), `${r.type} ${r.name}`).toBe(true);
  });

  it("registers exactly the pure resource list (plan/resources.ts): names, types, parents", () => {
    expect(asPlanned(ofStack(stack)).sort(byName)).toEqual(labResources(planLab(runs.get(stack)!.spec)).sort(byName));
  });

  it("the count `plan` and `up` announce is what the program registers: its custom resources, providers aside", () => {
    const created = ofStack(stack).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(plannedResourceCount(planLab(runs.get(stack)!.spec))).toBe(created.length);
  });

  it("every Kubernetes resource goes through the cluster's provider, built from the kubeconfig", () => {
    const rs = ofStack(stack);
    const provider = rs.find((r) => r.type === "pulumi:providers:kubernetes")!;
    // A secret on the wire: Pulumi's secret signature wrapping the value.
    expect(provider.inputs.kubeconfig).toEqual({
      [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
      value: `apiVersion: v1\nkind: Config\ncurrent-context: kind-${runs.get(stack)!.spec.stack.clusterName}\n`,
    });
    expect(provider.inputs.deleteUnreachable).toBe("true");
    // cluster → provider: the kubeconfig is a data edge from the kind resource.
    expect(provider.dependencies).toContain(rs.find((r) => r.type === DYNAMIC_TYPE)!.urn);
    const k8s = rs.filter((r) => r.type.startsWith("kubernetes:") && r.custom);
    expect(k8s.length).toBeGreaterThan(15);
    for (const r of k8s) expect(r.provider?.startsWith(`${provider.urn}::`), `${r.type} ${r.name}`).toBe(true);
  });

  it("orders cluster → CNI → readiness Job → workloads → policies → assertion Jobs", () => {
    const rs = ofStack(stack);
    const readiness = rs.find((r) => r.type === "kubernetes:batch/v1:Job" && r.inputs.metadata?.name === "cnilab-cni-ready")!;
    const releases = rs.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const charts = runs.get(stack)!.spec.stack.backend.startsWith("calico") ? ["crd.projectcalico.org.v1", "tigera-operator"] : stack.startsWith("flannel") ? ["flannel"] : [];
    expect(releases.map((r) => r.inputs.chart)).toEqual(charts);
    if (releases.length > 0) {
      // The first chart waits for its namespace / the CNI plugin binaries, each next one for the one
      // before (the operator's CRDs before the Installation), the readiness Job for the last.
      const prereq = rs.filter((r) => r.type === "kubernetes:core/v1:Namespace" || r.type === "kubernetes:apps/v1:DaemonSet").map((r) => r.urn);
      expect(releases[0]!.dependencies.some((d) => prereq.includes(d))).toBe(true);
      releases.slice(1).forEach((r, i) => expect(r.dependencies).toContain(releases[i]!.urn));
      expect(readiness.dependencies).toContain(releases.at(-1)!.urn);
      // Helm waits only where the plan asks (the CRDs must be Established before the next release maps its kinds).
      expect(releases.map((r) => r.inputs.skipAwait)).toEqual(charts.map((c) => c !== "crd.projectcalico.org.v1"));
    }
    const workloads = rs.find((r) => r.type === "cnilab:workloads:Workloads")!;
    expect(workloads.dependencies).toContain(readiness.urn);
    // dependsOn a component reaches every resource inside it: the Jobs wait for each NetworkPolicy.
    const policies = rs.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.urn);
    expect(policies).toHaveLength(runs.get(stack)!.spec.lab.scenarios.flatMap((s) => s.policies).length);
    const probeJobs = rs.filter((r) => r.type === "kubernetes:batch/v1:Job" && r.inputs.metadata?.name?.startsWith("cnilab-probe-"));
    const clients = sourceIdentities(runs.get(stack)!.spec);
    expect(probeJobs.map((j) => j.inputs.metadata.name).sort()).toEqual(clients.map((c) => `cnilab-probe-${c}`).sort());
    for (const j of probeJobs) expect(j.dependencies).toEqual(expect.arrayContaining(policies));
  });

  it("every Kubernetes object is deletedWith the kind cluster; the cluster, its network and the provider are not", () => {
    const rs = ofStack(stack);
    const kind = rs.find((r) => r.type === DYNAMIC_TYPE)!;
    const objects = rs.filter((r) => r.type.startsWith("kubernetes:") && r.custom);
    expect(objects.length).toBeGreaterThan(15);
    for (const r of objects) expect(r.deletedWith, `${r.type} ${r.name}`).toBe(kind.urn);
    const others = rs.filter((r) => !r.type.startsWith("kubernetes:"));
    expect(others.filter((r) => r.deletedWith).map((r) => r.type)).toEqual([]);
  });

  it("reads nothing from the cluster: pods are resolved by the targets Job, which every probe Job waits for", () => {
    const rs = ofStack(stack);
    expect(rs.filter((r) => r.type === "kubernetes:core/v1:Endpoints")).toEqual([]);
    const jobs = rs.filter((r) => r.type === "kubernetes:batch/v1:Job");
    const resolver = jobs.find((j) => j.inputs.metadata.name === "cnilab-targets")!;
    expect(resolver.inputs.metadata.namespace).toBe("cnilab-health");
    // It sees every probed pod: dependsOn the Workloads component reaches each resource in it.
    const workloads = rs.find((r) => r.type === "cnilab:workloads:Workloads")!;
    const inWorkloads = rs.filter((r) => r.parent === workloads.urn).map((r) => r.urn);
    expect(inWorkloads.length).toBeGreaterThan(1);
    expect(resolver.dependencies).toEqual(expect.arrayContaining(inWorkloads));
    for (const j of jobs.filter((j) => j.inputs.metadata.name.startsWith("cnilab-probe-"))) {
      expect(j.dependencies, j.name).toContain(resolver.urn);
      // The resolver's output, never its own ConfigMap (which the health client's namespace holds too).
      expect(j.inputs.spec.template.spec.volumes).toContainEqual({ name: "targets", configMap: { name: "cnilab-resolved-targets" } });
    }
  });

  it("every Job is replaced, not awaited again, when an earlier update left it unready", () => {
    const jobs = ofStack(stack).filter((r) => r.type === "kubernetes:batch/v1:Job");
    // The readiness Job, the targets' resolver and one probe Job per source identity at least.
    expect(jobs.length).toBeGreaterThanOrEqual(2 + sourceIdentities(runs.get(stack)!.spec).length);
    for (const j of jobs) expect(j.inputs.metadata.annotations["pulumi.com/replaceUnready"], j.name).toBe("true");
  });

  it("the kubeconfig output is a secret; the assertions output lists every probe with an address or a Service endpoint", async () => {
    const out = runs.get(stack)!.outputs;
    expect(await pulumi.isSecret(out.kubeconfig)).toBe(true);
    const assertions = await settled(out.assertions);
    expect(assertions.jobs.map((j) => j.client).sort()).toEqual(sourceIdentities(runs.get(stack)!.spec).sort());
    // The health suite alone probes nine paths, three of them pods by endpoint.
    expect(assertions.probes.length).toBeGreaterThan(8);
    for (const p of assertions.probes) {
      if (p.endpoint) expect(p.to, p.id).toBe(`${p.endpoint.service}#${p.endpoint.index}`);
      else if (p.protocol === "file") expect(p.to, p.id).toMatch(/^\/[a-z0-9/._-]+$/);
      else expect(p.to, p.id).toMatch(/^(\d+\.\d+\.\d+\.\d+|[a-z0-9.-]+\.svc\.cluster\.local)$/);
    }
    expect(assertions.probes.filter((p) => p.endpoint).length).toBeGreaterThanOrEqual(3);
  });

  it("the assertion Jobs' probe plans carry the resolved addresses and the expectations", () => {
    const rs = ofStack(stack);
    const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.name === "cnilab-probe-health-client")!;
    const plan = JSON.parse(cm.inputs.data["plan.json"]);
    const own = plan.probes.find((p: { id: string }) => p.id === "health/pod-to-own-node");
    expect(own).toMatchObject({ to: "172.16.9.3", port: 10250, protocol: "tcp" });
    const samePod = plan.probes.find((p: { id: string }) => p.id === "health/pod-to-pod-same-node");
    expect(samePod).toMatchObject({ endpoint: { service: "cnilab-health/echo-same-node", index: 0 } });
    expect(samePod.to).toBeUndefined();
    expect(cm.inputs.data["probe.js"]).toContain("--plan");
  });
});

describe("flannel-udp: flanneld gets /dev/net/tun by a patch of the chart's DaemonSet", () => {
  it("a server-side patch after the flannel release, awaited by the readiness Job, mounting the node's /dev/net/tun into flanneld", () => {
    const rs = ofStack("flannel-udp");
    const release = rs.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    const patches = rs.filter((r) => r.type === "kubernetes:apps/v1:DaemonSetPatch");
    expect(patches.map((p) => p.inputs.metadata)).toEqual([{ name: "kube-flannel-ds", namespace: "kube-flannel" }]);
    const [patch] = patches;
    expect(patch!.dependencies).toContain(release.urn);
    const spec = patch!.inputs.spec.template.spec;
    // The chart's flanneld container is named kube-flannel (chart/kube-flannel/templates/daemonset.yaml, v0.28.9).
    expect(spec.containers).toEqual([{ name: "kube-flannel", volumeMounts: [{ name: "dev-net-tun", mountPath: "/dev/net/tun" }] }]);
    expect(spec.volumes).toEqual([{ name: "dev-net-tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } }]);
    const readiness = rs.find((r) => r.type === "kubernetes:batch/v1:Job" && r.inputs.metadata?.name === "cnilab-cni-ready")!;
    expect(readiness.dependencies).toContain(patch!.urn);
    expect(release.inputs.values.flannel.backend).toBe("udp");
    // No other stack patches anything.
    for (const other of stacks.filter((s) => s !== "flannel-udp")) expect(ofStack(other).filter((r) => r.type.endsWith("Patch")), other).toEqual([]);
  });
});

describe("the entry point", () => {
  it("runStack (index.ts, and cnilab's inline program) reads the stack's cnilab: config and fails on a typo'd key with the file and the key", async () => {
    await installMocks({ stack: "x" });
    // What the engine's RunRequest carries, as the inline language server sets it; other namespaces are not ours.
    pulumi.runtime.setAllConfig({ "cnilab:lab": "netpol", "cnilab:backend": "kindnet", "cnilab:wokers": "2", "kubernetes:context": "elsewhere" });
    const { runStack } = await import("../../program.js");
    // One problem only (the message is one line): kubernetes:context was left alone.
    await expect(runStack()).rejects.toThrow(/^stacks\/Pulumi\.x\.yaml: cnilab:wokers: unknown key 'wokers' \(did you mean 'workers'\?\); allowed keys: [^\n]*$/);
  });
});

describe("Docker-only stacks through the same entry point", () => {
  it.each(["docker-bridge", "docker-macvlan"])("%s runs the Docker lab, not a cluster", async (stack) => {
    const { stackProgram } = await import("../../program.js");
    const file = path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
    const recorded = await installMocks({ stack });
    const out = (await stackProgram(readStackFile(file), file)) as { driver: string; networks: pulumi.Output<unknown> };
    expect(out.driver).toBe(stack.slice("docker-".length));
    await settled(out.networks);
    const added = recorded.map((r) => r.type);
    expect(added).toContain("cnilab:docker:DockerLab");
    expect(added).not.toContain("cnilab:lab:Lab");
  });
});
