/**
 * `cnilab explain service` end to end with the cluster replaced: the stack decides the kube-proxy
 * mode and the node names, the fake cluster answers with the recorded node outputs
 * (test/kube-proxy/fixtures) and the Services of test/kube-proxy/cluster.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabCluster } from "../../cli/explain-cluster";
import { runExplain } from "../../cli/explain";
import { main } from "../../cli/main";
import type { RunResult } from "../../host/run";
import { apiService, apiSlices, find, SERVICES } from "../kube-proxy/cluster";
import { fixture } from "../kube-proxy/fixtures";
import { ROOT, STACKS_DIR } from "../helpers/stacks";
import { captureIo } from "./io";

const ok = (stdout: string): RunResult => ({ code: 0, stdout, stderr: "" });
const NODE_OUTPUTS: Record<string, RunResult> = {
  "iptables-save": ok(fixture("iptables-save.txt")),
  "nft list table ip kube-proxy": ok(fixture("nft-list-table.txt")),
  // kind's node image has no ipvsadm: docker exec answers 127, the kernel's listing is read instead.
  "ipvsadm -Ln": { code: 127, stdout: "", stderr: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "ipvsadm": executable file not found in $PATH: unknown' },
  "cat /proc/net/ip_vs": ok(fixture("proc-net-ip_vs.txt")),
};

function fakeCluster(calls: string[], onNode?: (node: string, argv: readonly string[]) => RunResult): LabCluster {
  return {
    service: async (ns, name) => (SERVICES.some((s) => s.namespace === ns && s.name === name) ? apiService(find(ns, name)) : undefined),
    serviceNames: async (ns) => SERVICES.filter((s) => s.namespace === ns).map((s) => s.name),
    endpointSlices: async (ns, name) => apiSlices(find(ns, name)),
    pod: async () => undefined,
    podNames: async () => [],
    onNode: async (node, argv) => {
      calls.push(`${node}: ${argv.join(" ")}`);
      return onNode ? onNode(node, argv) : NODE_OUTPUTS[argv.join(" ")]!;
    },
  };
}

/** kindnet's stack file with another kube-proxy mode, written beside nothing the project tracks. */
function stackWithMode(mode: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "cnilab-explain-")), `Pulumi.kp-${mode}.yaml`);
  writeFileSync(file, readFileSync(join(STACKS_DIR, "Pulumi.kindnet.yaml"), "utf8").replace("cnilab:kubeProxyMode: iptables", `cnilab:kubeProxyMode: ${mode}`));
  return file;
}

async function explain(args: string[], cluster: LabCluster | string) {
  const io = captureIo({}, ROOT);
  const code = await runExplain(args, io, { root: ROOT, cluster: async () => cluster });
  return { code, out: io.out(), err: io.err() };
}

describe("cnilab explain service", () => {
  it("iptables (kindnet): reads iptables-save on the first worker and explains each port", async () => {
    const calls: string[] = [];
    const r = await explain(["service", "kindnet", "default/echo"], fakeCluster(calls));
    expect(r.code).toBe(0);
    expect(calls).toEqual(["cnilab-kindnet-worker: iptables-save"]);
    expect(r.out).toContain("kube-proxy mode iptables, rules read on node cnilab-kindnet-worker (iptables-save)");
    expect(r.out).toContain("3 endpoints, each chosen with p=0.3333 (1/3)");
    expect(r.out).toMatch(/33\.3% +p=0\.33333333349 +KUBE-SEP-L6VFHHP5QEPN7F6C +10\.244\.1\.2:8080 +default\/echo-5d9c7b8f6-aaaaa on lab-worker ready/);
  });

  it("ipvs: falls back to /proc/net/ip_vs when the node has no ipvsadm", async () => {
    const calls: string[] = [];
    const r = await explain(["service", stackWithMode("ipvs"), "kube-system/kube-dns", "--node", "cnilab-kp-ipvs-control-plane"], fakeCluster(calls));
    expect(calls).toEqual(["cnilab-kp-ipvs-control-plane: ipvsadm -Ln", "cnilab-kp-ipvs-control-plane: cat /proc/net/ip_vs"]);
    expect(r.out).toContain("rules read on node cnilab-kp-ipvs-control-plane (cat /proc/net/ip_vs)");
    expect(r.out).toContain("picks    virtual server 10.96.0.10:53 (rr)");
    expect(r.code).toBe(0);
  });

  it("nftables, --json: the explanation as data", async () => {
    const r = await explain(["service", stackWithMode("nftables"), "default/empty", "--json"], fakeCluster([]));
    const json = JSON.parse(r.out) as { mode: string; ports: { portName: string; refused: string[] }[] };
    expect(json.mode).toBe("nftables");
    expect(json.ports.map((p) => [p.portName, p.refused.length])).toEqual([["default/empty", 1]]);
    expect(r.code).toBe(0);
  });

  it("rules that disagree with the EndpointSlices exit 1", async () => {
    const r = await explain(["service", "kindnet", "default/echo"], fakeCluster([], () => ok("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n")));
    expect(r.code).toBe(1);
    expect(r.out).toContain("problem  node cnilab-kindnet-worker has no KUBE-SERVICES chain in iptables-save: kube-proxy is not running in iptables mode there");
    expect(r.out).toContain("problem  endpoint 10.244.1.2:8080 (default/echo-5d9c7b8f6-aaaaa) is ready but no rule sends traffic to it");
  });

  it("a Service that is not there: exit 2, the closest name and the namespace's Services", async () => {
    const r = await explain(["service", "kindnet", "default/ecko"], fakeCluster([]));
    expect(r.code).toBe(2);
    expect(r.err).toBe("cnilab explain: Service default/ecko not found in kind cluster 'cnilab-kindnet' (did you mean 'echo'?); Services in default: kubernetes, echo, empty\n");
  });

  it("an API server that cannot be reached, and a lab that is not up: exit 2 with the reason", async () => {
    const down = { ...fakeCluster([]), service: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6443")) };
    const r = await explain(["service", "kindnet", "default/echo"], down);
    expect([r.code, r.err]).toEqual([2, "cnilab explain: cannot reach the API server of kind cluster 'cnilab-kindnet': connect ECONNREFUSED 127.0.0.1:6443 (is the lab up? cnilab up kindnet)\n"]);
    const none = await explain(["service", "kindnet", "default/echo"], "no kubeconfig for kind cluster 'cnilab-kindnet' (…): is the lab up? Or pass --kubeconfig");
    expect([none.code, none.err]).toEqual([2, "cnilab explain: no kubeconfig for kind cluster 'cnilab-kindnet' (…): is the lab up? Or pass --kubeconfig\n"]);
  });

  it("a node container that is gone: exit 2 naming the node", async () => {
    const gone = fakeCluster([], () => ({ code: 1, stdout: "", stderr: "Error response from daemon: No such container: cnilab-kindnet-worker\n" }));
    const r = await explain(["service", "kindnet", "default/echo"], gone);
    expect(r.code).toBe(2);
    expect(r.err).toBe("cnilab explain: cannot read kube-proxy's iptables rules on node cnilab-kindnet-worker: Error response from daemon: No such container: cnilab-kindnet-worker (is the lab up? 'kind get nodes' lists the node containers)\n");
  });

  it("a headless Service: no rules, said in one line, exit 0", async () => {
    const headless = { ...fakeCluster([]), service: async () => ({ ...apiService(find("default", "echo")), spec: { ...apiService(find("default", "echo")).spec, clusterIP: "None" } }) };
    const r = await explain(["service", "kindnet", "default/echo"], headless);
    expect([r.code, r.out]).toEqual([0, "Service default/echo: a headless Service (clusterIP: None) has no virtual IP: DNS answers with the endpoints' own addresses and kube-proxy writes no rules\n"]);
  });

  it("bad usage names the argument, the value and what is allowed", async () => {
    const usage = async (...args: string[]) => {
      const io = captureIo({}, ROOT);
      const code = await main(["explain", ...args], io);
      return [code, io.err().split("\n")[0]];
    };
    expect(await usage("pods", "kindnet", "default/x")).toEqual([2, "cnilab explain: cannot explain 'pods' (did you mean 'pod'?); what it explains: service, pod"]);
    expect(await usage("service", "kindnet", "Default/echo")).toEqual([2, "cnilab explain: <namespace/name> 'Default/echo': the namespace 'Default' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending alphanumeric)"]);
    expect(await usage("service", "kindnet", "a/b/c")).toEqual([2, "cnilab explain: <namespace/name> 'a/b/c' is not a Service reference: expected namespace/name, e.g. kube-system/kube-dns"]);
    expect(await usage("service", "kindnet", "default/echo", "--node", "cnilab-kindnet-worker9")).toEqual([2, "cnilab explain: --node 'cnilab-kindnet-worker9' is not a node of stacks/Pulumi.kindnet.yaml (did you mean 'cnilab-kindnet-worker'?); its nodes: cnilab-kindnet-control-plane, cnilab-kindnet-worker, cnilab-kindnet-worker2"]);
    expect(await usage("service", "docker-bridge", "default/echo")).toEqual([2, expect.stringContaining("a Docker-only lab") as unknown as string]);
  });

  it("--help explains every mode and the exit status", async () => {
    const io = captureIo({}, ROOT);
    expect(await main(["explain", "--help"], io)).toBe(0);
    for (const words of ["Usage: cnilab explain service <stack> <namespace/name>", "iptables-save", "/proc/net/ip_vs", "nft list table ip kube-proxy", "Exit status"]) expect(io.out()).toContain(words);
  });
});
