import * as path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planAssertions } from "../../assertions";
import { planAssertionJob } from "../../assertions/jobs";
import { BACKEND_FACTS } from "../../backends";
import { parseLab, SpecError } from "../../labs";
import { planLab } from "../../plan";
import { planNodes } from "../../plan/nodes";
import { loadStack } from "../helpers/stacks";

/** The checks of labs/pod-basics.yaml and labs/storage.yaml as data, and the lab file's rules for them. */

const byId = <T extends { id: string }>(items: readonly T[]) => Object.fromEntries(items.map((p) => [p.id, p]));

describe("pod-basics on kindnet", () => {
  it("plans two localhost probes, one per pod, and the frontend Service by ClusterIP and name inside the service subnet", async () => {
    const plan = planLab(await loadStack("pod-basics"));
    const probes = byId(plan.assertions.probes.filter((p) => p.group !== "health"));
    expect(Object.keys(probes).sort()).toEqual(["localhost/other-pod", "localhost/same-pod", "service/frontend-clusterip", "service/frontend-dns"]);
    expect(probes["localhost/same-pod"]).toMatchObject({ client: "localhost-same-pod", target: { kind: "address", address: "127.0.0.1" }, port: 8080, protocol: "tcp", expect: "connected" });
    expect(probes["localhost/other-pod"]).toMatchObject({ client: "localhost-other-pod", target: { kind: "address", address: "127.0.0.1" }, port: 8080, protocol: "tcp", expect: "refused" });
    expect(probes["localhost/other-pod"]!.why).toMatch(/another network namespace/);
    expect(probes["service/frontend-clusterip"]).toMatchObject({ client: "health-client", target: { kind: "service-ip", namespace: "default", service: "frontend" }, port: 80, within: "10.96.0.0/16", expect: "connected" });
    expect(probes["service/frontend-dns"]).toMatchObject({ target: { kind: "service-name", host: "frontend.default.svc.cluster.local" }, within: "10.96.0.0/16", expect: "connected" });
  });

  it("the two localhost pods share a node, so only the namespace differs; the server is a sidecar of the first", async () => {
    const plan = planLab(await loadStack("pod-basics"));
    const clients = byId(plan.assertions.clients.map((c) => ({ ...c, id: c.name })));
    expect(clients["localhost-same-pod"]!.node).toBe(clients["localhost-other-pod"]!.node);
    expect(clients["localhost-other-pod"]!.pod).toBeUndefined();
    const job = planAssertionJob(clients["localhost-same-pod"]!, 2, "", "0", {}).job;
    const spec = job.spec!.template.spec!;
    expect(spec.initContainers).toEqual([expect.objectContaining({ name: "server", restartPolicy: "Always" })]);
    expect(spec.containers.map((c) => c.name)).toEqual(["probe"]);
  });
});

describe("the service check on a backend whose pods cannot reach ClusterIPs", () => {
  it("expects macvlan's exact failures, by IP and by name, with the limitation as the basis", async () => {
    const spec = await loadStack("pod-basics");
    const macvlan = { ...spec, stack: { ...spec.stack, backend: "macvlan" as const } };
    const a = planAssertions(macvlan, { nodes: planNodes("c", 2), backend: BACKEND_FACTS.macvlan });
    const probes = byId(a.probes);
    expect(probes["service/frontend-clusterip"]).toMatchObject({ expect: "no-route", basis: { kind: "limitation", limitation: "pod-to-clusterip" } });
    expect(probes["service/frontend-dns"]).toMatchObject({ expect: "dns-error", basis: { kind: "limitation", limitation: "pod-to-clusterip" } });
    // What the pod's own namespace holds does not depend on the CNI.
    expect(probes["localhost/same-pod"]!.expect).toBe("connected");
  });
});

describe("storage on kindnet", () => {
  it("expects the file on the writer's node and in the writer's pod, and not on the other node", async () => {
    const plan = planLab(await loadStack("storage"));
    const probes = byId(plan.assertions.probes.filter((p) => p.group !== "health"));
    const nodeOf = Object.fromEntries(plan.assertions.clients.map((c) => [c.name, c.node]));
    expect(Object.fromEntries(Object.values(probes).map((p) => [p.id, [p.expect, nodeOf[p.client]]]))).toEqual({
      "empty-dir/other-container": ["found", "cnilab-storage-worker"],
      "host-path/same-node": ["found", "cnilab-storage-worker"],
      "host-path/other-node": ["missing", "cnilab-storage-worker2"],
      "persistent-volume/new-pod": ["found", "cnilab-storage-worker"],
    });
    for (const p of Object.values(probes)) expect(p).toMatchObject({ protocol: "file", port: 0, target: { kind: "file", path: "/data/marker" } });
    expect(probes["host-path/other-node"]!.why).toMatch(/not shared storage/);
    expect(probes["persistent-volume/new-pod"]!.why).toMatch(/rancher\.io\/local-path .*WaitForFirstConsumer.*\/var\/local-path-provisioner/);
  });

  it("the writer Jobs are pinned where their readers look, and bounded", async () => {
    const plan = planLab(await loadStack("storage"));
    const jobs = plan.workloads.filter((o) => o.kind === "Job") as unknown as { metadata: { name: string; annotations: Record<string, string> }; spec: { activeDeadlineSeconds: number; template: { spec: { nodeSelector: Record<string, string> } } } }[];
    expect(jobs.map((j) => [j.metadata.name, j.spec.template.spec.nodeSelector["kubernetes.io/hostname"]])).toEqual([
      ["cnilab-host-path-writer", "cnilab-storage-worker"],
      ["cnilab-pvc-writer", "cnilab-storage-worker"],
    ]);
    for (const j of jobs) expect(Number(j.metadata.annotations["pulumi.com/timeoutSeconds"])).toBe(j.spec.activeDeadlineSeconds);
  });

  it("with one worker there is no other node: the hostPath's other side is skipped with the reason", async () => {
    const spec = await loadStack("storage");
    const a = planAssertions({ ...spec, stack: { ...spec.stack, workers: 1 } }, { nodes: planNodes("c", 1), backend: BACKEND_FACTS.kindnet });
    expect(a.skipped).toContainEqual({ id: "host-path/other-node", group: "host-path", reason: "needs two workers (cnilab:workers ≥ 2) to have another node" });
    expect(a.probes.map((p) => p.id)).not.toContain("host-path/other-node");
  });
});

describe("a lab file's checks", () => {
  it("are validated at once: the kind with a suggestion, fields per kind, the service's workload, paths and sizes", async () => {
    const file = path.join(__dirname, "../labs/fixtures/invalid-checks.yaml");
    let message = "";
    try {
      await parseLab(readFileSync(file, "utf8"), "labs/bad-checks.yaml");
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      message = (err as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "labs/bad-checks.yaml: checks[0].kind: 'localhsot' is not allowed (did you mean 'localhost'?); allowed: localhost, service, empty-dir, host-path, persistent-volume",
      "labs/bad-checks.yaml: checks[1].port: empty-dir checks take no field besides kind, not port",
      "labs/bad-checks.yaml: checks[2].workload: a service check names the workload whose Service it probes",
      "labs/bad-checks.yaml: checks[4].path: must be an absolute path of lowercase letters, digits, '.', '_' and '-' (got 'relative/dir')",
      "labs/bad-checks.yaml: checks[5].size: must be a size such as 16Mi (Ki, Mi or Gi) (got '1TB')",
    ]);
  });

  it("name a workload that exists and has a Service, and one check of each kind", async () => {
    const lab = (checks: string) => `name: l\ntitle: t\nworkloads:\n  - { name: web, labels: { app: web }, image: agnhost, ports: [{ containerPort: 80 }] }\nchecks:\n${checks}`;
    const messageOf = async (text: string) => parseLab(text, "labs/l.yaml").then(() => "", (err: Error) => err.message);
    expect(await messageOf(lab("  - { kind: service, workload: webb }\n"))).toBe("labs/l.yaml: checks[0].workload: no workload named 'webb' (did you mean 'web'?); workloads: web");
    expect(await messageOf(lab("  - { kind: service, workload: web }\n"))).toBe("labs/l.yaml: checks[0].workload: workload 'web' has no service to probe; give it one (service: { ports: [...] })");
    expect(await messageOf(lab("  - { kind: empty-dir }\n  - { kind: empty-dir }\n"))).toBe("labs/l.yaml: checks: two empty-dir checks; a lab has one of each kind");
  });
});
