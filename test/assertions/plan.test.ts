import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { clientProbePlan, planAssertions, probedServices, resolveProbes, type ClusterFacts } from "../../assertions";
import { planTargetResolver } from "../../assertions/targets";
import { jobName, planAssertionJob } from "../../assertions/jobs";
import { planLab } from "../../plan";
import { validatePlan } from "../../probe/plan";
import { schemaErrors } from "../helpers/k8s-schema";
import { loadStack } from "../helpers/stacks";

async function assertionsOf(stack: string) {
  const spec = await loadStack(stack);
  const plan = planLab(spec);
  return { spec, plan, assertions: planAssertions(spec, plan) };
}

const expectOf = (probes: { id: string; expect: string }[]) => Object.fromEntries(probes.map((p) => [p.id, p.expect]));
/** A scenario's probe id: its own copies of the client and the workload (labs/isolate.ts). */
const id = (scenario: string, from: string, to: string, port: string, kind = "pod") => `${scenario}/${scenario}-${from}-${scenario}-${to}-${port}-${kind}`;

describe("expected outcomes of the netpol lab", () => {
  it("calico enforces: each scenario's own policy alone decides its connections", async () => {
    const { assertions } = await assertionsOf("calico-ipip");
    const e = expectOf(assertions.probes);
    expect(e[id("access-nginx", "demo", "nginx", "80-tcp")]).toBe("connected");
    // Applied together with deny-namespace these would connect (same namespace); alone, they are blocked.
    expect(e[id("access-nginx", "other", "nginx", "80-tcp")]).toBe("timeout");
    expect(e[id("web-allow-external", "demo", "web", "81-udp")]).toBe("timeout");
    expect(e[id("deny-nginx", "demo", "nginx", "80-tcp")]).toBe("timeout");
    expect(e[id("access-namespace", "prod-client", "myapp", "80-tcp")]).toBe("connected");
    expect(e[id("access-namespace", "dev-client", "myapp", "80-tcp")]).toBe("timeout");
    expect(e[id("web-allow-external", "dev-client", "web", "80-tcp")]).toBe("connected");
    const why = assertions.probes.find((p) => p.id === id("access-nginx", "prod-client", "nginx", "80-tcp"))!.why;
    expect(why).toMatch(/access-nginx/);
    expect(why).not.toMatch(/deny-nginx|default-deny|deny-namespace/);
  });

  it("flannel enforces nothing: every policy probe expects a connection, and says why", async () => {
    const { assertions } = await assertionsOf("flannel-vxlan");
    const policy = assertions.probes.filter((p) => p.group !== "health");
    expect(policy.length).toBeGreaterThan(20);
    expect(new Set(policy.map((p) => p.expect))).toEqual(new Set(["connected"]));
    const blockedOnCalico = policy.find((p) => p.id === id("access-nginx", "prod-client", "nginx", "80-tcp"))!;
    expect(blockedOnCalico.basis).toEqual({ kind: "policy", verdict: "allowed", notEnforced: ["ingress"] });
    expect(blockedOnCalico.why).toMatch(/not enforced: flannel only programs routes/);
  });

  it("macvlan: Service names fail as DNS errors (cluster DNS is a ClusterIP), pod IPs connect", async () => {
    const { assertions } = await assertionsOf("macvlan");
    const e = expectOf(assertions.probes);
    expect(e[id("deny-nginx", "demo", "nginx", "80-tcp", "svc")]).toBe("dns-error");
    expect(e[id("deny-nginx", "demo", "nginx", "80-tcp")]).toBe("connected");
    expect(e["health/pod-to-own-node"]).toBe("no-route");
    expect(e["health/pod-to-pod-same-node"]).toBe("connected");
    expect(e["health/cluster-dns"]).toBe("dns-error");
    expect(e["health/service-clusterip"]).toBe("no-route");
  });

  it("ipvlan L3 reaches other nodes but not its own; a NodePort landing on its endpoint's node times out there", async () => {
    const { assertions } = await assertionsOf("ipvlan-l3");
    const e = expectOf(assertions.probes);
    expect([e["health/pod-to-own-node"], e["health/pod-to-other-node"], e["health/nodeport"]]).toEqual(["timeout", "connected", "timeout"]);
    // The client reaches worker2, whose kube-proxy DNATs to the echo pod on worker2 itself: the node's
    // namespace cannot deliver to its own ipvlan pods.
    const nodeport = assertions.probes.find((p) => p.id === "health/nodeport")!;
    expect(nodeport.basis).toEqual({ kind: "limitation", limitation: "node-to-own-pods" });
    expect(nodeport.toLabel).toBe("NodePort on cnilab-ipvlan-l3-worker2 (endpoint on that node)");
    expect(nodeport.why).toMatch(/^ipvlan, L3 mode: the node's own namespace cannot reach the pods on its eth0/);
  });

  it.each(["macvlan", "ipvlan-l2"])("%s: the NodePort fails first at the client, which has no route to node addresses", async (name) => {
    const nodeport = (await assertionsOf(name)).assertions.probes.find((p) => p.id === "health/nodeport")!;
    expect([nodeport.expect, nodeport.basis]).toEqual(["no-route", { kind: "limitation", limitation: "pod-to-other-node" }]);
  });

  it.each(["macvlan", "ipvlan-l2", "ipvlan-l3"])("%s: DNS probes expect dns-error, and say CoreDNS crash-loops", async (name) => {
    const dns = (await assertionsOf(name)).assertions.probes.find((p) => p.id === "health/cluster-dns")!;
    expect(dns.expect).toBe("dns-error");
    expect(dns.why).toContain("CoreDNS is such a pod too: it cannot reach the API server's ClusterIP");
  });

  it("the health suite expects every path to connect on a full-featured backend; internet is off by default", async () => {
    const { assertions } = await assertionsOf("kindnet");
    const health = assertions.probes.filter((p) => p.group === "health");
    expect(health.map((p) => p.id)).toEqual([
      "health/pod-to-pod-same-node",
      "health/pod-to-pod-cross-node",
      "health/pod-to-pod-cross-node-udp",
      "health/cluster-dns",
      "health/service-clusterip",
      "health/nodeport",
      "health/pod-to-apiserver",
      "health/pod-to-own-node",
      "health/pod-to-other-node",
    ]);
    expect(new Set(health.map((p) => p.expect))).toEqual(new Set(["connected"]));
    expect(assertions.skipped.filter((s) => s.group === "health")).toEqual([expect.objectContaining({ id: "health/pod-to-internet", reason: expect.stringMatching(/cnilab:probeInternet/) })]);
  });
});

describe("the upstream universe (x/y/z × a/b/c), one scenario per stack", () => {
  it("pod-and-namespace: one peer with both selectors admits only y/b into x/a, on every port", async () => {
    const { assertions } = await assertionsOf("calico-ipip-universe");
    const pod = assertions.probes.filter((p) => p.id.endsWith("-pod"));
    // all-pairs: 9 clients × 9 workloads × 4 ports (80/81 × TCP/UDP).
    expect(pod).toHaveLength(324);
    const into = (from: string, port: string) => pod.find((p) => p.id === `pod-and-namespace/${from}-x-a-${port}-pod`)!.expect;
    for (const port of ["80-tcp", "80-udp", "81-tcp", "81-udp"]) {
      expect([into("from-y-b", port), into("from-y-a", port), into("from-x-b", port), into("from-z-b", port)]).toEqual(["connected", "timeout", "timeout", "timeout"]);
    }
    // Pods no policy selects stay open to everyone.
    expect(pod.filter((p) => p.toLabel !== "x/x-a").every((p) => p.expect === "connected")).toBe(true);
  });
});

describe("resolving targets and building the Jobs", () => {
  const facts: ClusterFacts = {
    serviceIps: { "cnilab-health/echo-same-node": "10.96.0.50" },
    nodeIps: { "cnilab-calico-ipip-worker": "172.30.5.3", "cnilab-calico-ipip-worker2": "172.30.5.4" },
  };

  it("one probe per replica, each an endpoint of the pods' Service; addresses filled in; every plan valid for the probe program", async () => {
    const { assertions } = await assertionsOf("calico-ipip");
    // nginx as if it ran two replicas (the netpol lab's workloads run one each).
    const twice = assertions.probes.map((p) => (p.target.kind === "pods" && p.target.workload === "deny-nginx-nginx" ? { ...p, target: { ...p.target, replicas: 2 } } : p));
    const { probes, unresolved } = resolveProbes(twice, facts);
    expect(unresolved.filter((u) => !u.id.startsWith("health/"))).toEqual([]);
    const byId = Object.fromEntries(probes.map((p) => [p.id, p.to]));
    const nginx = id("deny-nginx", "demo", "nginx", "80-tcp");
    expect(byId[`${nginx}@0`]).toBe("deny-nginx/deny-nginx-nginx#0");
    expect(byId[`${nginx}@1`]).toBe("deny-nginx/deny-nginx-nginx#1");
    expect(byId[`${nginx}@2`]).toBeUndefined();
    expect(byId[id("access-namespace", "demo", "myapp", "80-tcp")]).toBe("access-namespace/access-namespace-myapp#0");
    expect(byId["health/pod-to-pod-same-node"]).toBe("cnilab-health/echo-same-node#0");
    const demo = clientProbePlan("deny-nginx-demo", probes).probes.find((p) => p.id === `${nginx}@1`);
    expect(demo).toEqual({ id: `${nginx}@1`, endpoint: { service: "deny-nginx/deny-nginx-nginx", index: 1 }, port: 80, protocol: "tcp", timeoutMs: 2000, attempts: 5, expect: expect.any(String) });
    expect(byId[id("deny-nginx", "demo", "nginx", "80-tcp", "svc")]).toBe("deny-nginx-nginx.deny-nginx.svc.cluster.local");
    expect(byId["health/pod-to-own-node"]).toBe("172.30.5.3");
    expect(byId["health/pod-to-apiserver"]).toBe("10.96.0.1");
    expect(byId["health/service-clusterip"]).toBe("10.96.0.50");
    for (const c of assertions.clients) {
      const plan = clientProbePlan(c.name, probes);
      expect(validatePlan(JSON.parse(JSON.stringify(plan)))).toEqual({ ok: true, plan });
    }
  });

  it("a target without an address (an unknown node, a workload with no replicas) is reported, never silently dropped", async () => {
    const { assertions } = await assertionsOf("calico-ipip");
    const { unresolved } = resolveProbes(assertions.probes, { ...facts, nodeIps: {} });
    expect(unresolved.map((u) => u.id)).toContain("health/pod-to-own-node");
    const nginx = assertions.probes.find((p) => p.id === id("deny-nginx", "demo", "nginx", "80-tcp"))!;
    const none = resolveProbes([{ ...nginx, target: { kind: "pods", namespace: "deny-nginx", workload: "deny-nginx-nginx", service: "deny-nginx-nginx", replicas: 0 } }], facts);
    expect(none).toEqual({ probes: [], unresolved: [{ id: nginx.id, group: nginx.group, reason: expect.stringContaining("has no address") }] });
  });

  it("the targets' resolver runs in the node's network namespace: macvlan pods have no route to the API server's ClusterIP", async () => {
    // Observed on the local suite's macvlan stack (2026-11-30): a resolver in the pod network failed
    // with "connect ENETUNREACH 10.96.0.1:443"; the readiness Job, on the host network, had passed.
    const { assertions } = await assertionsOf("macvlan");
    const r = planTargetResolver(probedServices(assertions.probes), assertions.clients.map((c) => c.namespace), "console.log('probe')", {});
    expect(r.job.spec?.template.spec?.hostNetwork).toBe(true);
  });

  it("the targets' resolver: what it looks up, where it writes, allowed to do just that, schema-valid", async () => {
    const { assertions } = await assertionsOf("calico-ipip");
    const r = planTargetResolver(probedServices(assertions.probes), assertions.clients.map((c) => c.namespace), "console.log('probe')", {});
    expect(Object.values(r).flatMap((o) => schemaErrors(o as never))).toEqual([]);
    expect(JSON.parse(r.configMap.data!["request.json"] as string)).toEqual({
      // The health echo servers, then each scenario's own copies of the workloads it probes.
      services: [
        { service: "cnilab-health/echo-same-node", expected: 1 },
        { service: "cnilab-health/echo-other-node", expected: 1 },
        ...[
          "deny-nginx/deny-nginx-nginx",
          "access-nginx/access-nginx-nginx",
          "default-deny/default-deny-myapp",
          "default-deny/default-deny-web",
          "deny-namespace/deny-namespace-web",
          "deny-namespace/deny-namespace-myapp",
          "access-namespace/access-namespace-myapp",
          "web-allow-external/web-allow-external-web",
        ].map((service) => ({ service, expected: 1 })),
      ],
      namespaces: [
        "access-namespace",
        "access-namespace-dev",
        "access-namespace-prod",
        "access-nginx",
        "access-nginx-prod",
        "cnilab-health",
        "default-deny",
        "default-deny-prod",
        "deny-namespace",
        "deny-namespace-dev",
        "deny-namespace-prod",
        "deny-nginx",
        "web-allow-external",
        "web-allow-external-dev",
        "web-allow-external-prod",
      ],
      // Not the resolver's own ConfigMap's name: it would overwrite its probe.js in cnilab-health.
      configMap: "cnilab-resolved-targets",
      waitSeconds: 180,
    });
    expect(r.clusterRole.rules).toEqual([
      { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "update"] },
    ]);
    expect(r.job.metadata.namespace).toBe("cnilab-health");
    expect(r.job.metadata.annotations!["pulumi.com/replaceUnready"]).toBe("true");
    expect(r.job.spec!.template.spec!.containers[0]!.command).toEqual(["node", "/cnilab/probe.js", "resolve", "--request", "/cnilab/request.json"]);
  });

  it("each Job's pod carries exactly the client's labels, on the chosen node, schema-valid", async () => {
    const { assertions, plan } = await assertionsOf("calico-ipip");
    const { probes } = resolveProbes(assertions.probes, facts);
    const worker = plan.nodes.find((n) => n.role === "worker")!.name;
    // The health client, then each scenario's own copies of the clients its traffic names.
    expect(assertions.clients.slice(0, 6).map((c) => [c.name, c.namespace, c.labels, c.node])).toEqual([
      ["health-client", "cnilab-health", { app: "health-client" }, worker],
      ["deny-nginx-demo", "deny-nginx", { app: "demo" }, worker],
      ["deny-nginx-other", "deny-nginx", { app: "other" }, worker],
      ["access-nginx-demo", "access-nginx", { app: "demo" }, worker],
      ["access-nginx-other", "access-nginx", { app: "other" }, worker],
      ["access-nginx-prod-client", "access-nginx-prod", { app: "client" }, worker],
    ]);
    expect(assertions.clients).toHaveLength(1 + 2 + 3 + 2 + 3 + 3 + 3);
    for (const client of assertions.clients) {
      const plan = clientProbePlan(client.name, probes);
      const { configMap, job } = planAssertionJob(client, plan.probes.length, "console.log('probe')", "abc123", {});
      const filled = { ...configMap, data: { ...configMap.data, "plan.json": JSON.stringify(plan) } };
      expect([filled, job].flatMap((o) => schemaErrors(o as never))).toEqual([]);
      expect(job.metadata).toMatchObject({ name: jobName(client.name), namespace: client.namespace });
      expect(job.spec!.template.metadata!.labels).toEqual(client.labels);
      expect(job.spec!.template.metadata!.annotations).toEqual({
        "cnilab.io/plan-sha256": "abc123",
        "cnilab.io/probe-sha256": createHash("sha256").update("console.log('probe')").digest("hex").slice(0, 32),
      });
      // A Job that failed in an earlier update is replaced, not awaited again (pulumi-kubernetes 4.34).
      expect(job.metadata.annotations!["pulumi.com/replaceUnready"]).toBe("true");
      expect(job.spec!.template.spec!.nodeSelector).toEqual({ "kubernetes.io/hostname": worker });
      // Bounded: the worst case of every probe timing out on every attempt, plus start-up.
      expect(Number(job.metadata.annotations!["pulumi.com/timeoutSeconds"])).toBe(job.spec!.activeDeadlineSeconds);
      expect(job.spec!.activeDeadlineSeconds).toBeGreaterThan(180);
      expect(job.spec!.activeDeadlineSeconds).toBeLessThan(900);
    }
  });
});

describe("a new probe program re-runs the probes", () => {
  it("the bundle's hash is on the pod template, so the Job (not only the ConfigMap) changes with it", async () => {
    const { assertions } = await assertionsOf("kindnet");
    const client = assertions.clients[0]!;
    const before = planAssertionJob(client, 10, "console.log('v1')", "same-plan", {});
    const after = planAssertionJob(client, 10, "console.log('v2')", "same-plan", {});
    expect(after.configMap.data!["probe.js"]).not.toBe(before.configMap.data!["probe.js"]);
    // Kubernetes updates a ConfigMap in place; the pod template is what makes Pulumi replace the Job.
    expect(after.job.spec!.template).not.toEqual(before.job.spec!.template);
    expect(planAssertionJob(client, 10, "console.log('v1')", "same-plan", {}).job).toEqual(before.job);
  });
});
