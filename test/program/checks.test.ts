/**
 * The pod-basics and storage stacks under mocks: what their checks register (the probe Jobs' pods,
 * the writer Jobs and the claim) and what the probe plans hold once Pulumi knows the addresses.
 * Expected values are written from the seeds' facts, not read from the planners.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../helpers/mocks";
import { runLabStack, type StackRun } from "./run-stack";

let podBasics: StackRun;
let storage: StackRun;

beforeAll(async () => {
  podBasics = await runLabStack("pod-basics");
  storage = await runLabStack("storage");
}, 120_000);

const job = (run: StackRun, name: string): RecordedResource => {
  const found = run.recorded.find((r) => r.type === "kubernetes:batch/v1:Job" && r.inputs.metadata?.name === name);
  if (!found) throw new Error(`no Job ${name}`);
  return found;
};
const podSpec = (r: RecordedResource) => r.inputs.spec.template.spec;
/** The probe plan a client's Job runs: its ConfigMap's plan.json. */
function probePlan(run: StackRun, client: string): { probes: Record<string, unknown>[] } {
  const cm = run.recorded.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.name === `cnilab-probe-${client}`);
  return JSON.parse(cm!.inputs.data["plan.json"]);
}
const probe = (run: StackRun, client: string, id: string) => probePlan(run, client).probes.find((p) => p.id === id);

describe("pod-basics under mocks", () => {
  it("runs the localhost server as a sidecar of the probe's own pod, bound to 127.0.0.1, and the other pod without one, on the same node", () => {
    const same = podSpec(job(podBasics, "cnilab-probe-localhost-same-pod"));
    expect(same.initContainers).toEqual([expect.objectContaining({ name: "server", restartPolicy: "Always", command: ["httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/"] })]);
    const other = podSpec(job(podBasics, "cnilab-probe-localhost-other-pod"));
    expect(other.initContainers).toBeUndefined();
    expect(other.nodeSelector).toEqual(same.nodeSelector);
    expect(same.nodeSelector).toEqual({ "kubernetes.io/hostname": "cnilab-pod-basics-worker" });
  });

  it("both dial 127.0.0.1:8080: connected from the same pod, refused from the other", () => {
    expect(probe(podBasics, "localhost-same-pod", "localhost/same-pod")).toMatchObject({ to: "127.0.0.1", port: 8080, protocol: "tcp", expect: "connected" });
    expect(probe(podBasics, "localhost-other-pod", "localhost/other-pod")).toMatchObject({ to: "127.0.0.1", port: 8080, protocol: "tcp", expect: "refused" });
  });

  it("probes the frontend Service at the ClusterIP Pulumi read from it and by name, both bounded to the service subnet", () => {
    // The mocks give every Service the ClusterIP 10.96.0.77 (run-stack.ts).
    expect(probe(podBasics, "health-client", "service/frontend-clusterip")).toMatchObject({ to: "10.96.0.77", port: 80, within: "10.96.0.0/16", expect: "connected" });
    expect(probe(podBasics, "health-client", "service/frontend-dns")).toMatchObject({ to: "frontend.default.svc.cluster.local", port: 80, within: "10.96.0.0/16", expect: "connected" });
    const rc = podBasics.recorded.find((r) => r.type === "kubernetes:core/v1:ReplicationController")!;
    expect(rc.inputs.metadata.name).toBe("frontend");
    expect(rc.inputs.spec.selector).toEqual({ name: "frontend" });
  });
});

describe("storage under mocks", () => {
  it("registers the claim on kind's standard class and the writer Jobs with the workloads, every probe Job after them", () => {
    const workloads = storage.recorded.find((r) => r.type === "cnilab:workloads:Workloads")!;
    const claim = storage.recorded.find((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim")!;
    expect(claim.parent).toBe(workloads.urn);
    expect(claim.inputs.spec).toEqual({ storageClassName: "standard", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "16Mi" } } });
    const writers = ["cnilab-host-path-writer", "cnilab-pvc-writer"].map((n) => job(storage, n));
    for (const w of writers) expect(w.parent).toBe(workloads.urn);
    const probeJobs = storage.recorded.filter((r) => r.type === "kubernetes:batch/v1:Job" && r.inputs.metadata.name.startsWith("cnilab-probe-"));
    expect(probeJobs.length).toBe(5);
    for (const p of probeJobs) expect(p.dependencies, p.name).toEqual(expect.arrayContaining(writers.map((w) => w.urn)));
  });

  it("reads back the writer's own text: the emptyDir in the same pod, the hostPath on both nodes, the claim from a new pod on the writer's node", () => {
    const text = (r: RecordedResource) => podSpec(r).containers[0].env.find((e: { name: string }) => e.name === "TEXT").value as string;
    const hostWriter = job(storage, "cnilab-host-path-writer");
    const claimWriter = job(storage, "cnilab-pvc-writer");
    expect(podSpec(hostWriter).volumes).toEqual([{ name: "data", hostPath: { path: "/var/local/cnilab-storage", type: "DirectoryOrCreate" } }]);
    expect(podSpec(claimWriter).volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "cnilab-data" } }]);

    const reader = (client: string) => podSpec(job(storage, `cnilab-probe-${client}`));
    expect(reader("host-path-same-node").nodeSelector).toEqual(podSpec(hostWriter).nodeSelector);
    expect(reader("host-path-other-node").nodeSelector).toEqual({ "kubernetes.io/hostname": "cnilab-storage-worker2" });
    expect(reader("persistent-volume-reader").nodeSelector).toEqual(podSpec(claimWriter).nodeSelector);
    expect(reader("persistent-volume-reader").volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "cnilab-data" } });
    const emptyDirPod = reader("empty-dir-reader");
    expect(emptyDirPod.volumes).toContainEqual({ name: "data", emptyDir: {} });
    expect(emptyDirPod.initContainers.map((c: { name: string }) => c.name)).toEqual(["writer"]);

    const file = { to: "/data/marker", port: 0, protocol: "file" };
    expect(probe(storage, "host-path-same-node", "host-path/same-node")).toMatchObject({ ...file, content: text(hostWriter), expect: "found" });
    expect(probe(storage, "host-path-other-node", "host-path/other-node")).toMatchObject({ ...file, content: text(hostWriter), expect: "missing" });
    expect(probe(storage, "persistent-volume-reader", "persistent-volume/new-pod")).toMatchObject({ ...file, content: text(claimWriter), expect: "found" });
    const emptyDirText = emptyDirPod.initContainers[0].env[0].value;
    expect(probe(storage, "empty-dir-reader", "empty-dir/other-container")).toMatchObject({ ...file, content: emptyDirText, expect: "found" });
  });
});
