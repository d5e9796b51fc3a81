/**
 * On backends whose nodes cannot reach their own pods (macvlan, ipvlan: limitation "node-to-own-pods"),
 * nothing `up` waits for may depend on that path: kubelet's network probes of a pod-network container
 * would keep it unready (Pulumi awaits Deployments), and the readiness Job must not wait on anything
 * that crash-loops there (CoreDNS cannot reach the API server's ClusterIP, and kubelet cannot probe it).
 */
import { describe, expect, it } from "vitest";
import { BACKENDS, BACKEND_FACTS, type K8sObject } from "../../backends";
import { planLab } from "../../plan";
import { loadStack } from "../helpers/stacks";

interface PodSpec {
  hostNetwork?: boolean;
  containers?: Record<string, unknown>[];
  initContainers?: Record<string, unknown>[];
}

function podSpecs(objects: readonly K8sObject[]): { owner: string; spec: PodSpec }[] {
  return objects.flatMap((o) => {
    const spec = (o.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
    return spec ? [{ owner: `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`, spec }] : [];
  });
}

/** Probes kubelet sends over the network from the node's namespace (exec probes go through the runtime). */
function networkProbes(container: Record<string, unknown>): string[] {
  return ["readinessProbe", "livenessProbe", "startupProbe"].filter((k) => {
    const p = container[k] as Record<string, unknown> | undefined;
    return p !== undefined && ("httpGet" in p || "tcpSocket" in p || "grpc" in p);
  });
}

// Every backend has a stack named after it (test/plan/stacks.test.ts).
const affected = BACKENDS.filter((b) => BACKEND_FACTS[b].limitations.some((l) => l.id === "node-to-own-pods"));

describe("which backends have the limitation", () => {
  it("exactly macvlan and the ipvlan modes", () => {
    expect(affected).toEqual(["macvlan", "ipvlan-l2", "ipvlan-l3"]);
  });
});

describe.each(affected)("node-originated paths on %s", (name) => {
  it("no pod-network container of the plan has a kubelet network probe", async () => {
    const plan = planLab(await loadStack(name));
    const all = [...plan.cni.objects, ...plan.readiness, ...plan.workloads, ...plan.healthObjects];
    const probed = podSpecs(all)
      .filter(({ spec }) => !spec.hostNetwork)
      .flatMap(({ owner, spec }) => [...(spec.initContainers ?? []), ...(spec.containers ?? [])].flatMap((c) => networkProbes(c).map((p) => `${owner} ${c.name} ${p}`)));
    expect(probed).toEqual([]);
  });

  it("the readiness Job and every DaemonSet it waits on run on the host network; it never waits on CoreDNS", async () => {
    const plan = planLab(await loadStack(name));
    const job = podSpecs(plan.readiness).find((p) => p.owner.startsWith("Job "))!;
    expect(job.spec.hostNetwork).toBe(true);
    for (const ds of plan.cni.readiness.daemonSets) {
      const planned = podSpecs(plan.cni.objects).find((p) => p.owner === `DaemonSet ${ds.namespace}/${ds.name}`);
      expect(planned?.spec.hostNetwork, `${ds.namespace}/${ds.name}`).toBe(true);
    }
    expect(JSON.stringify(plan.readiness)).not.toMatch(/coredns|kube-dns/i);
  });
});
