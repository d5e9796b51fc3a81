/**
 * `cnilab explain pod` end to end with the cluster replaced: the API answers with a few pods, the
 * node with the crictl fixtures and the `ip -j` output recorded from the ptp namespaces
 * (test/pod-net/fixtures).
 */
import { describe, expect, it } from "vitest";
import type { LabCluster } from "../../cli/explain-cluster";
import { runExplain } from "../../cli/explain";
import { main } from "../../cli/main";
import type { RunResult } from "../../host/run";
import type { ApiPod } from "../../pod-net/pod";
import { ROOT } from "../helpers/stacks";
import { fixture, recorded } from "../pod-net/fixtures";
import { captureIo } from "./io";

const UID = "0d3c7f52-4a8e-4f1b-9c26-7e5d1a2b3c4d";
const NODE = "cnilab-kindnet-worker";
const NETNS = "/var/run/netns/cni-6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

const apiPod = (name: string, over: { spec?: ApiPod["spec"]; status?: ApiPod["status"] } = {}): ApiPod => ({
  metadata: { namespace: "default", name, uid: UID },
  spec: { nodeName: NODE, containers: [{ name: "app" }, { name: "sidecar" }], ...over.spec },
  status: { phase: "Running", podIP: "10.244.1.5", ...over.status },
});

const PODS: Record<string, ApiPod> = {
  client: apiPod("client"),
  pending: apiPod("pending", { spec: { nodeName: undefined }, status: { phase: "Pending", podIP: undefined } }),
  starting: apiPod("starting", { status: { phase: "Pending", podIP: undefined } }),
  done: apiPod("done", { status: { phase: "Succeeded" } }),
  "host-agent": apiPod("host-agent", { spec: { hostNetwork: true }, status: { phase: "Running", podIP: "172.18.0.3" } }),
};

const ok = (stdout: string): RunResult => ({ code: 0, stdout, stderr: "" });
const ip = recorded("ptp");
const NODE_OUTPUTS: Record<string, RunResult> = {
  [`crictl pods --label io.kubernetes.pod.uid=${UID} -o json`]: ok(fixture("crictl-pods.json")),
  "crictl inspectp -o json 5b0e4c7a9d3f21e8c6a4b2f0d9e7c5a3b1f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5": ok(fixture("crictl-inspectp.json")),
  [`nsenter --net=${NETNS} ip -j -d addr show`]: ok(ip.podAddr),
  [`nsenter --net=${NETNS} ip -j route show`]: ok(ip.podRoute),
  "ip -j -d addr show": ok(ip.nodeAddr),
  "ip -j route show": ok(ip.nodeRoute),
};

function fakeCluster(calls: string[], onNode?: (argv: readonly string[]) => RunResult): LabCluster {
  return {
    service: async () => undefined,
    serviceNames: async () => [],
    endpointSlices: async () => [],
    pod: async (ns, name) => (ns === "default" ? PODS[name] : undefined),
    podNames: async (ns) => (ns === "default" ? Object.keys(PODS) : []),
    onNode: async (node, argv) => {
      calls.push(`${node}: ${argv.join(" ")}`);
      return onNode ? onNode(argv) : (NODE_OUTPUTS[argv.join(" ")] ?? { code: 1, stdout: "", stderr: `unexpected: ${argv.join(" ")}` });
    },
  };
}

async function explain(args: string[], cluster: LabCluster | string) {
  const io = captureIo({}, ROOT);
  const code = await runExplain(args, io, { root: ROOT, cluster: async () => cluster });
  return { code, out: io.out(), err: io.err() };
}

describe("cnilab explain pod", () => {
  it("kindnet: the sandbox, eth0 and its veth on the pod's own node, and the story", async () => {
    const calls: string[] = [];
    const r = await explain(["pod", "kindnet", "default/client"], fakeCluster(calls));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(calls).toEqual(Object.keys(NODE_OUTPUTS).map((argv) => `${NODE}: ${argv}`));
    expect(r.out).toContain(`  image    registry.k8s.io/pause:3.10\n  pid      4242 (running)\n  netns    ${NETNS}\n`);
    expect(r.out).toContain("  eth0  veth  ifindex 2  MTU 1500  10.244.1.5/24  mac 0a:58:0a:f4:00:05  peer: ifindex 3 on the node\n");
    expect(r.out).toContain("  veth1a2b3c4d  veth  ifindex 3  MTU 1500  10.244.1.1/32  mac ee:ee:ee:00:00:01  no bridge\n  route    10.244.1.5 dev veth1a2b3c4d scope host\n");
    expect(r.out).toContain("every container of the pod (app, sidecar) joins it");
  });

  it("--json: the explanation as data", async () => {
    const r = await explain(["pod", "kindnet", "client", "--json"], fakeCluster([]));
    const json = JSON.parse(r.out) as { attachment: string; expected: string; nodeInterface: { name: string }; problems: string[] };
    expect([json.attachment, json.expected, json.nodeInterface.name, json.problems]).toEqual(["veth", "ptp", "veth1a2b3c4d", []]);
    expect(r.code).toBe(0);
  });

  it("a node that disagrees with the stack's backend: the problem printed, exit 1", async () => {
    const r = await explain(["pod", "flannel-vxlan", "default/client"], { ...fakeCluster([]), onNode: async (_node, argv) => NODE_OUTPUTS[argv.join(" ")]! });
    expect(r.code).toBe(1);
    expect(r.out).toContain("problem  the stack's backend attaches pods by bridge (a veth per pod whose node end is a port of the bridge cni0), but this pod's eth0 is a veth\n");
  });

  it("a Pod that is not there: exit 2, the closest name and the namespace's Pods", async () => {
    const r = await explain(["pod", "kindnet", "default/clint"], fakeCluster([]));
    expect([r.code, r.err]).toEqual([2, "cnilab explain: Pod default/clint not found in kind cluster 'cnilab-kindnet' (did you mean 'client'?); Pods in default: client, pending, starting, done, host-agent\n"]);
  });

  it("a pod with no sandbox network: not scheduled, no IP yet, completed — exit 2, nothing read on a node", async () => {
    const calls: string[] = [];
    const said = async (name: string) => {
      const r = await explain(["pod", "kindnet", name], fakeCluster(calls));
      return [r.code, r.err];
    };
    expect(await said("pending")).toEqual([2, "cnilab explain: Pod default/pending is Pending and not scheduled to a node yet: it has no sandbox and no IP\n"]);
    expect(await said("starting")).toEqual([2, `cnilab explain: Pod default/starting on node ${NODE} is Pending and has no IP yet: its sandbox's network is not set up (kubectl describe pod -n default starting says why)\n`]);
    expect(await said("done")).toEqual([2, "cnilab explain: Pod default/done has completed (phase Succeeded): kubelet has torn down its sandbox and network namespace\n"]);
    expect(calls).toEqual([]);
  });

  it("a hostNetwork pod shares the node's namespace, and says so: exit 0", async () => {
    const calls: string[] = [];
    const r = await explain(["pod", "kindnet", "host-agent"], fakeCluster(calls));
    expect([r.code, calls]).toEqual([0, []]);
    expect(r.out).toBe(`Pod default/host-agent uses hostNetwork: it has no network namespace of its own and shares node ${NODE}'s (its IP 172.18.0.3 is the node's address); its pause container holds its other namespaces, its containers see the node's interfaces, routes and ports, and no veth or CNI plugin is involved\n`);
  });

  it("a node that cannot be reached, an API server that cannot, output that is not JSON: exit 2 with the reason", async () => {
    const gone = await explain(["pod", "kindnet", "client"], fakeCluster([], () => ({ code: 1, stdout: "", stderr: `Error response from daemon: No such container: ${NODE}\n` })));
    expect([gone.code, gone.err]).toEqual([2, `cnilab explain: cannot read the pod's sandbox (crictl pods) on node ${NODE}: Error response from daemon: No such container: ${NODE} (is the lab up? 'kind get nodes' lists the node containers)\n`]);
    const down = { ...fakeCluster([]), pod: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6443")) };
    const api = await explain(["pod", "kindnet", "client"], down);
    expect([api.code, api.err]).toEqual([2, "cnilab explain: cannot reach the API server of kind cluster 'cnilab-kindnet': connect ECONNREFUSED 127.0.0.1:6443 (is the lab up? cnilab up kindnet)\n"]);
    const garbled = await explain(["pod", "kindnet", "client"], fakeCluster([], (argv) => (argv[0] === "crictl" ? NODE_OUTPUTS[argv.join(" ")]! : ok("Object \"addr\" is unknown, try \"ip help\"."))));
    expect(garbled.code).toBe(2);
    expect(garbled.err).toMatch(new RegExp(`^cnilab explain: node ${NODE}: \`ip -j -d addr show\` printed no JSON`));
  });

  it("bad usage names the argument, the value and what is allowed; --help shows the verb", async () => {
    const usage = async (...args: string[]) => {
      const io = captureIo({}, ROOT);
      const code = await main(["explain", ...args], io);
      return [code, io.err().split("\n")[0]];
    };
    expect(await usage("pod", "kindnet", "default/Client")).toEqual([2, "cnilab explain: <namespace/name> 'default/Client': the name 'Client' is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253, each part starting and ending alphanumeric)"]);
    expect(await usage("pod", "kindnet", "default/client", "--node", NODE)).toEqual([2, `cnilab explain: --node '${NODE}' is for explain service: a pod is read on the node it runs on`]);
    const io = captureIo({}, ROOT);
    expect(await main(["explain", "--help"], io)).toBe(0);
    for (const words of ["cnilab explain pod <stack> <namespace/name>", "crictl inspectp", "nsenter --net=<path>", "hostNetwork"]) expect(io.out()).toContain(words);
  });
});
