import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import type { BenchRun } from "../../datapath/results";
import type { ObservedFacts } from "../../perf/facts";
import { startStandIn, type StandIn } from "./api-stand-in";

/**
 * `cnilab perf` end to end against a Kubernetes API stand-in on loopback (real client library, real
 * HTTP), with `docker` and `kind` replaced by scripts that print recorded output. The Job logs are
 * the fixtures recorded by running the client script and cnilab-rr between network namespaces.
 */
const fixtures = join(__dirname, "fixtures");
const fixture = (name: string) => readFileSync(join(fixtures, name), "utf8");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cnilab-perf-"));
  const docker = [
    "#!/bin/sh",
    `echo "$*" >> "${dir}/docker-calls"`,
    'case "$1" in',
    "  ps) printf 'cnilab-flannel-vxlan-control-plane\\ncnilab-flannel-vxlan-worker\\ncnilab-flannel-vxlan-worker2\\n' ;;",
    `  stats) cat "${fixtures}/docker-stats.jsonl" ;;`,
    `  exec) if [ "$4" = "-j" ]; then cat "${fixtures}/node-links.json"; else cat "${fixtures}/node-routes.txt"; fi ;;`,
    "  version) echo 20.10.24+dfsg1 ;;",
    "esac",
  ];
  writeFileSync(join(dir, "docker"), `${docker.join("\n")}\n`);
  writeFileSync(join(dir, "kind"), `#!/bin/sh\necho "kind v0.30.0 go1.24.6 linux/amd64"\n`);
  chmodSync(join(dir, "docker"), 0o755);
  chmodSync(join(dir, "kind"), 0o755);
  writeFileSync(join(dir, "kubeconfig"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function perf(standIn: StandIn, state: string, extra: string[] = [], stack = "flannel-vxlan", mode = "--quick") {
  writeFileSync(join(dir, "kubeconfig"), standIn.kubeconfig);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["perf", stack, ...(mode ? [mode] : []), "--kubeconfig", join(dir, "kubeconfig"), ...extra], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: dir,
    env: { ...process.env, CNILAB_DOCKER: join(dir, "docker"), CNILAB_KIND: join(dir, "kind"), CNILAB_STATE: state, CNILAB_POLL_MS: "20" },
  });
  return { code, out: out.join(""), err: err.join("") };
}

describe("cnilab perf against an API stand-in", () => {
  it("creates the servers, runs one pinned Job per pair in turn, reads both logs, saves perf.json and facts.json, removes the namespace", async () => {
    const standIn = await startStandIn({
      logsFor: (job, container) =>
        job === "perf-pod-pod-cross-node"
          ? fixture(container === "iperf3" ? "iperf-timeout.log" : "rr-timeout.log")
          : fixture(container === "iperf3" ? "iperf-quick.log" : "rr-full.log"),
    });
    try {
      const state = join(dir, "state-ok");
      const r = await perf(standIn, state);
      // One pair's runs failed (timeouts): the rest is saved and the exit code says so.
      expect(r.err).toContain("cnilab perf: pod-pod-cross-node:");
      expect(r.code).toBe(1);
      expect(r.out).toContain("problem: pod-pod-cross-node: tcp-1 rep 0: iperf3: unable to connect to server: Connection timed out (exit 0)");
      expect(r.out).toContain("problem: pod-pod-cross-node: tcp-rr rep 1: connect to 10.99.0.9:5300 timed out after 3000 ms");

      const kinds = standIn.created.map((c) => `${c.kind}/${c.body.metadata.name}`);
      expect(kinds).toEqual([
        "Namespace/cnilab-perf",
        "ConfigMap/cnilab-rr",
        "Pod/perf-server",
        "Pod/perf-server-host",
        "Service/perf-server",
        "Job/perf-node-node",
        "Job/perf-pod-pod-same-node",
        "Job/perf-pod-pod-cross-node",
      ]);
      expect(standIn.maxConcurrentJobs).toBe(1);
      const jobs = standIn.created.filter((c) => c.kind === "Job").map((c) => c.body.spec.template.spec);
      expect(jobs.map((s) => [s.nodeSelector["kubernetes.io/hostname"], s.hostNetwork, s.initContainers[0].env[0].value, s.containers[0].command[4]])).toEqual([
        ["cnilab-flannel-vxlan-worker", true, "172.30.2.4", "172.30.2.4"],
        ["cnilab-flannel-vxlan-worker2", false, "10.244.2.5", "10.244.2.5"],
        ["cnilab-flannel-vxlan-worker", false, "10.244.2.5", "10.244.2.5"],
      ]);
      // A leftover namespace of a crashed run is removed first (404 here), ours at the end.
      const deletes = standIn.requests.flatMap((q, i) => (q === "DELETE /api/v1/namespaces/cnilab-perf" ? [i] : []));
      expect(deletes).toHaveLength(2);
      expect(deletes[0]).toBeLessThan(standIn.requests.indexOf("POST /api/v1/namespaces"));
      expect(deletes[1]).toBeGreaterThan(standIn.requests.lastIndexOf("POST /apis/batch/v1/namespaces/cnilab-perf/jobs"));
      expect(standIn.requests).toContain("GET /api/v1/namespaces/cnilab-perf/pods/perf-node-node-x7k2p/log?container=iperf3");
      expect(standIn.requests).toContain("GET /api/v1/namespaces/cnilab-perf/pods/perf-node-node-x7k2p/log?container=rr");

      const run = JSON.parse(readFileSync(join(state, "results", "flannel-vxlan", "perf.json"), "utf8")) as BenchRun;
      const row = (backend: string, pair: string, metric: string) => run.summary.find((s) => s.backend === backend && s.pair === pair && s.metric === metric);
      // iperf-quick.log's measured reps: 13.20, 10.73, 10.69 Gbit/s → median 10.73.
      expect(row("underlay", "node-node", "throughput")).toMatchObject({ median: 10.728735033513615, min: 10.693094705282748, max: 13.202694997218112, reps: 3, ratio: 1, noisy: true });
      expect(row("flannel-vxlan", "pod-pod-same-node", "throughput")?.ratio).toBe(1);
      expect(row("flannel-vxlan", "pod-pod-cross-node", "throughput")).toBeUndefined();
      expect(row("flannel-vxlan", "pod-pod-same-node", "latency-p50")).toMatchObject({ median: 5.6295, reps: 3 });
      expect(run.host).toMatchObject({ kind: "v0.30.0", docker: "20.10.24+dfsg1", kernel: "6.18.44-fc-v669", kubelet: "v1.34.0", podMtu: "1450", mode: "quick", backend: "flannel-vxlan" });
      expect(run.host.nodeImage).toMatch(/^kindest\/node:v1\.34\.0@sha256:/);
      expect(run.nodes?.map((n) => n.container)).toEqual(["cnilab-fx-control-plane", "cnilab-fx-worker", "cnilab-fx-worker2"]);
      expect(run.nodes?.[0]?.memoryBytes).toBe(540 * 1024);
      expect(run.problems).toHaveLength(2);

      const facts = JSON.parse(readFileSync(join(state, "results", "flannel-vxlan", "facts.json"), "utf8")) as ObservedFacts;
      expect(facts).toMatchObject({ backend: "flannel-vxlan", node: "cnilab-flannel-vxlan-worker", podMtu: 1450, nodeMtu: 1450, podInterfaces: 1 });
      expect(facts.routes).toContain("10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink");
      expect(facts.devices.find((d) => d.name === "flannel.1")).toEqual({ name: "flannel.1", kind: "vxlan", mtu: 1450, vxlan: { id: 1, port: 8472 } });
      const calls = readFileSync(join(dir, "docker-calls"), "utf8");
      expect(calls).toContain("ps --filter label=io.x-k8s.kind.cluster=cnilab-flannel-vxlan --format {{.Names}}");
      expect(calls).toContain("exec cnilab-flannel-vxlan-worker ip -j -d link show");
    } finally {
      await standIn.close();
    }
  });

  it("macvlan: the pod-network server goes without a kubelet probe (its node cannot reach it) and the ClusterIP pair is skipped with the reason", async () => {
    const standIn = await startStandIn({ logsFor: (_job, container) => fixture(container === "iperf3" ? "iperf-full.log" : "rr-full.log") });
    try {
      const r = await perf(standIn, join(dir, "state-macvlan"), [], "macvlan", "");
      const pods = standIn.created.filter((c) => c.kind === "Pod").map((c) => [c.body.metadata.name, c.body.spec.containers.map((k: { readinessProbe?: unknown }) => k.readinessProbe !== undefined)]);
      expect(pods).toEqual([
        ["perf-server", [false, false]],
        ["perf-server-host", [true, true]],
      ]);
      expect(standIn.created.filter((c) => c.kind === "Job").map((c) => c.body.metadata.name)).toEqual(["perf-node-node", "perf-pod-pod-same-node", "perf-pod-pod-cross-node"]);
      expect(r.err).toContain("cnilab perf: pod-clusterip-cross-node: skipped — macvlan (bridge mode): pods have no route to the service subnet");
    } finally {
      await standIn.close();
    }
  });

  it("a server that never becomes Ready ends in one line with the pod's state, exit 2, and the namespace is removed", async () => {
    const standIn = await startStandIn({ logsFor: () => "", stuckPods: ["perf-server"] });
    try {
      const r = await perf(standIn, join(dir, "state-stuck"), ["--timeout", "1"]);
      expect(r.code).toBe(2);
      expect(r.err).toContain("cnilab perf: timed out after 1 s waiting for pod cnilab-perf/perf-server to be Ready; last state: Pending (ImagePullBackOff) (is the lab up? cnilab up flannel-vxlan)");
      expect(standIn.created.some((c) => c.kind === "Job")).toBe(false);
      expect(standIn.requests.filter((q) => q === "DELETE /api/v1/namespaces/cnilab-perf")).toHaveLength(2);
      expect(standIn.requests.at(-1)).toMatch(/^(DELETE|GET) \/api\/v1\/namespaces\/cnilab-perf$/);
    } finally {
      await standIn.close();
    }
  });

  it("without a kubeconfig and with no cluster, says how to get one (exit 2)", async () => {
    writeFileSync(join(dir, "kind-missing"), `#!/bin/sh\necho "ERROR: could not locate any control plane nodes for cluster named 'cnilab-flannel-vxlan'" >&2\nexit 1\n`);
    chmodSync(join(dir, "kind-missing"), 0o755);
    const err: string[] = [];
    const code = await main(["perf", "flannel-vxlan", "--quick"], {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
      cwd: dir,
      env: { ...process.env, CNILAB_KIND: join(dir, "kind-missing"), CNILAB_STATE: join(dir, "state-none") },
    });
    expect(code).toBe(2);
    expect(err.join("")).toMatch(/^cnilab perf: no kubeconfig for kind cluster 'cnilab-flannel-vxlan' \(.*could not locate any control plane nodes.*\); bring the lab up first, or pass --kubeconfig\n$/);
  });
});
