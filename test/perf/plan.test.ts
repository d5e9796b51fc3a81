import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pod } from "kubernetes-models/v1/Pod";
import { describe, expect, it } from "vitest";
import { MEASURED_PAIRS } from "../../datapath/results";
import { IMAGES } from "../../pins";
import { PAIR_LAYOUT, PERF_NAMESPACE, planClientJob, planServers } from "../../perf/plan";
import { iperfClientScript } from "../../perf/script";
import { PERF_SETTINGS, pairBudgetSeconds } from "../../perf/settings";
import { schemaErrors } from "../helpers/k8s-schema";

const nodes = { client: "cnilab-calico-ipip-worker", server: "cnilab-calico-ipip-worker2" };
const targets = { nodeIp: "172.30.4.3", podIp: "10.244.140.66", clusterIp: "10.96.12.7" };

describe("the in-cluster measurement's objects", () => {
  it("servers: both on the second worker, one on hostNetwork; the Service selects only the pod-network one; all schema-valid", () => {
    const o = planServers(nodes, "/* bundle */", true, {});
    expect(o.namespace.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(o.pods.map((p) => [p.metadata.name, p.spec?.nodeSelector?.["kubernetes.io/hostname"], p.spec?.hostNetwork])).toEqual([
      ["perf-server", "cnilab-calico-ipip-worker2", false],
      ["perf-server-host", "cnilab-calico-ipip-worker2", true],
    ]);
    for (const pod of o.pods) {
      expect(pod.spec?.containers.map((c) => c.image)).toEqual([IMAGES.networkPerf, IMAGES.node]);
      // No CPU limits: throttling would measure the quota, not the datapath.
      expect(pod.spec?.containers.every((c) => c.resources === undefined)).toBe(true);
      expect(() => new Pod(pod as never).validate()).not.toThrow();
    }
    expect(o.service.spec?.selector).toEqual({ "cnilab.dev/perf-server": "pod" });
    expect(o.pods[0].metadata.labels?.["cnilab.dev/perf-server"]).toBe("pod");
    expect(o.pods[1].metadata.labels?.["cnilab.dev/perf-server"]).toBe("host");
    expect(o.service.spec?.ports?.map((p) => p.port)).toEqual([5201, 5300, 5301]);
    for (const obj of [o.namespace, o.configMap, o.service]) expect(schemaErrors(obj as never)).toEqual([]);
  });

  it("where the node cannot reach its own pods (macvlan/ipvlan), the pod-network server has no kubelet probe; the hostNetwork one keeps it", () => {
    const probes = (kubeletReachesPods: boolean) =>
      planServers(nodes, "/* bundle */", kubeletReachesPods, {}).pods.map((p) => p.spec!.containers.map((c) => c.readinessProbe?.tcpSocket?.port ?? null));
    expect(probes(true)).toEqual([[5201, 5300], [5201, 5300]]);
    expect(probes(false)).toEqual([[null, null], [5201, 5300]]);
  });

  it("client Jobs: pinned by hostname, the right network and target per pair, bounded, schema-valid", () => {
    const rows = MEASURED_PAIRS.map((pair) => {
      const job = planClientJob(pair, PERF_SETTINGS.full, nodes, targets, {});
      expect(schemaErrors(job as never)).toEqual([]);
      const spec = job.spec!.template.spec!;
      expect(job.metadata.namespace).toBe(PERF_NAMESPACE);
      expect(job.spec?.backoffLimit).toBe(0);
      expect(job.spec?.activeDeadlineSeconds).toBe(pairBudgetSeconds(PERF_SETTINGS.full));
      return [pair, spec.nodeSelector?.["kubernetes.io/hostname"], spec.hostNetwork, spec.initContainers?.[0]?.env?.[0]?.value, spec.containers[0]!.command?.slice(2, 5).join(" ")];
    });
    expect(rows).toEqual([
      ["node-node", "cnilab-calico-ipip-worker", true, "172.30.4.3", "client --to 172.30.4.3"],
      ["pod-pod-same-node", "cnilab-calico-ipip-worker2", false, "10.244.140.66", "client --to 10.244.140.66"],
      ["pod-pod-cross-node", "cnilab-calico-ipip-worker", false, "10.244.140.66", "client --to 10.244.140.66"],
      ["pod-clusterip-cross-node", "cnilab-calico-ipip-worker", false, "10.96.12.7", "client --to 10.96.12.7"],
    ]);
    expect(Object.keys(PAIR_LAYOUT)).toEqual([...MEASURED_PAIRS]);
  });

  it("quick mode: 3 pairs, one iperf3 test and ping-pong, 3 × 10 s after one warm-up; its budget bounds a pair at under 3 minutes", () => {
    const q = PERF_SETTINGS.quick;
    const job = planClientJob("pod-pod-cross-node", q, nodes, targets, {});
    const rr = job.spec!.template.spec!.containers[0]!.command!;
    expect(rr.slice(rr.indexOf("--tests"))).toEqual(["--tests", "tcp-rr", "--seconds", "10", "--reps", "3", "--warmup", "1"]);
    expect(pairBudgetSeconds(q)).toBe(2 * (2 + 3 * 11 + 5 * 4) + 60);
    const script = iperfClientScript(q);
    expect(script.split("\n").filter((l) => l.startsWith("run "))).toEqual(["run tcp-1 0 2 1 0", "run tcp-1 1 10 1 1", "run tcp-1 2 10 1 1", "run tcp-1 3 10 1 1"]);
  });

  it("the client script is valid POSIX sh, and takes its target only from the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "cnilab-script-"));
    try {
      const file = join(dir, "client.sh");
      writeFileSync(file, iperfClientScript(PERF_SETTINGS.full));
      // `sh -n` parses without running: a quoting mistake fails here, not in a cluster.
      expect(() => execFileSync("sh", ["-n", file])).not.toThrow();
      expect(iperfClientScript(PERF_SETTINGS.full)).not.toMatch(/10\.|172\./);
      expect(iperfClientScript(PERF_SETTINGS.full)).toContain('iperf3 -c "$TARGET" -p 5201');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
