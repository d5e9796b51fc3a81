/**
 * `cnilab explain service|pod <stack> <namespace/name>`. service: the rules kube-proxy wrote on one
 * node of a running lab for one Service, mapped back to the Service's ports and its EndpointSlices;
 * pod: see explain-pod.ts. Reading and explaining are pure (kube-proxy/, pod-net/); this file finds
 * the stack, the cluster and the node.
 */
import { didYouMean } from "../labs/errors";
import { planNodes } from "../plan/nodes";
import { explainService, NODE_COMMANDS, unprogrammed } from "../kube-proxy/explain";
import { explanationJson, hasProblems, renderExplanation } from "../kube-proxy/render";
import { serviceView } from "../kube-proxy/service";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { readOnNode } from "./explain-node";
import { runExplainPod } from "./explain-pod";
import { defaultCluster, parseObjectRef, reason, type ExplainDeps } from "./explain-shared";
import { exitCode } from "./exit";
import { loadClusterSpec, PROJECT_ROOT, resolveStack } from "./stack-arg";

export const EXPLAIN_HELP = `Usage: cnilab explain service <stack> <namespace/name> [--node NODE] [--kubeconfig FILE] [--json]
       cnilab explain pod <stack> <namespace/name> [--kubeconfig FILE] [--json]

explain service

Shows how a Service of a running lab really works on a node: the rules kube-proxy wrote for it,
followed from the Service's virtual IP to each endpoint, and mapped back to the Service's ports and
the pods of its EndpointSlices. The stack's cnilab:kubeProxyMode says what is read on the node
(through 'docker exec', the node is a container):

  iptables  iptables-save: KUBE-SERVICES → KUBE-SVC-… (one rule per endpoint, each with its
            '-m statistic --probability', the last taking the rest) → KUBE-SEP-… → DNAT ip:port;
            NodePorts through KUBE-NODEPORTS → KUBE-EXT-…; no endpoints: a filter REJECT rule
  ipvs      ipvsadm -Ln, or /proc/net/ip_vs where the node has no ipvsadm (kind's image has none):
            the virtual server ClusterIP:port, its scheduler and its real servers with their weights
  nftables  nft list table ip kube-proxy: the service-ips map element → the service chain's
            'numgen random mod N vmap' → endpoint chains → dnat to ip:port

For every port it says in words how an endpoint is chosen ("2 endpoints, each chosen with p=0.5"),
then one row per endpoint: its share of new connections, the rule that picks it, the chain or
real server, the address it is DNATed to, and the pod and node behind it. A ready endpoint with no
rule, a rule to an address no EndpointSlice lists, or a node with no kube-proxy objects of the
stack's mode is printed as a problem. A headless or ExternalName Service has no rules, and says so.

explain pod
Shows what a pod's network is made of on the node it runs on (the node and the pod IP from the API
server; the node read through 'docker exec'): its sandbox, the pause container that holds the pod's
network namespace and that every container of the pod joins (crictl pods / crictl inspectp: id,
image, pid, netns path); inside that namespace (nsenter --net=<path>) eth0 with its address, MTU and
peer ifindex, and the pod's routes (ip -j -d addr, ip -j route); on the node the other end of the
veth found by that ifindex (its name, the bridge it is a port of: cni0 for flannel, none for
kindnet's ptp or calico) and the node's routes to the pod IP. A macvlan or ipvlan pod has no veth:
its parent device on the node is shown instead. Then the same in words. A hostNetwork pod shares
the node's namespace, and says so. An attachment other than the stack's backend makes is a problem.

Arguments
  <stack>           a kind-cluster stack (stacks/Pulumi.<stack>.yaml) whose lab is up
  <namespace/name>  the Service or Pod; a name alone means namespace default

Options
  --node NODE        service only: the node container to read (default: the first worker, else
                     the control plane); every node has the same rules for a ClusterIP (a pod is
                     read on its own node)
  --kubeconfig FILE  the cluster's kubeconfig (default: 'kind get kubeconfig --name <cluster>')
  --json             the explanation as JSON

Exit status: 0 explained; 1 explained with a problem (the rules and the EndpointSlices disagree,
or kube-proxy is not in the stack's mode on the node; the pod's interfaces disagree with the API
server or the backend); 2 bad usage, an invalid stack, a Service or Pod not found, a pod with no
sandbox network (not scheduled, no IP yet, completed), or a cluster or node that cannot be reached.

Examples
  cnilab explain service kindnet kube-system/kube-dns
  cnilab explain service flannel-vxlan default/echo --node lab-worker2 --json
  cnilab explain pod kindnet kube-system/coredns-7db6d8ff4d-abcde
  cnilab explain pod flannel-vxlan default/client --json
`;

const VERBS = ["service", "pod"];

export async function runExplain(argv: string[], io: Io, deps: ExplainDeps = { root: PROJECT_ROOT, cluster: defaultCluster }): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { node: { type: "string" }, kubeconfig: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const [verb, stackArg, objectArg, ...extra] = positionals;
  if (verb !== "service" && verb !== "pod") throw new UsageError(verb === undefined ? `expected what to explain: ${VERBS.join(", ")}` : `cannot explain '${verb}'${didYouMean(verb, VERBS)}; what it explains: ${VERBS.join(", ")}`);
  if (stackArg === undefined || objectArg === undefined || extra.length > 0) throw new UsageError(`expected <stack> <namespace/name>, got ${positionals.slice(1).join(" ") || "nothing"}`);
  if (verb === "pod" && values.node !== undefined) throw new UsageError(`--node '${values.node}' is for explain service: a pod is read on the node it runs on`);
  const ref = parseObjectRef(objectArg, verb === "pod" ? "Pod" : "Service");
  const stack = resolveStack(stackArg, deps.root, io.cwd);
  const spec = await loadClusterSpec(stack, "explain");
  const s = spec.stack;
  if (verb === "pod") {
    const cluster = await deps.cluster(s.clusterName, values.kubeconfig, io);
    if (typeof cluster === "string") return (io.stderr(`cnilab explain: ${cluster}\n`), exitCode("not-up"));
    return runExplainPod({ stackName: stack.name, clusterName: s.clusterName, backend: s.backend, ref, json: values.json === true }, cluster, io);
  }
  const nodes = planNodes(s.clusterName, s.workers).map((n) => n.name);
  const node = values.node ?? nodes.find((n) => !n.endsWith("-control-plane")) ?? nodes[0]!;
  if (!nodes.includes(node)) throw new UsageError(`--node '${node}' is not a node of ${stack.source}${didYouMean(node, nodes)}; its nodes: ${nodes.join(", ")}`);
  const fail = (message: string) => (io.stderr(`cnilab explain: ${message}\n`), exitCode("not-up"));

  const cluster = await deps.cluster(s.clusterName, values.kubeconfig, io);
  if (typeof cluster === "string") return fail(cluster);
  let service;
  let slices;
  try {
    service = await cluster.service(ref.namespace, ref.name);
    if (!service) {
      const names = await cluster.serviceNames(ref.namespace);
      const hint = names.length === 0 ? `namespace ${ref.namespace} has no Services` : `Services in ${ref.namespace}: ${names.join(", ")}`;
      return fail(`Service ${ref.namespace}/${ref.name} not found in kind cluster '${s.clusterName}'${didYouMean(ref.name, names)}; ${hint}`);
    }
    slices = await cluster.endpointSlices(ref.namespace, ref.name);
  } catch (err) {
    return fail(`cannot reach the API server of kind cluster '${s.clusterName}': ${reason(err)} (is the lab up? cnilab up ${stack.name})`);
  }
  const view = serviceView(service, slices);
  const none = unprogrammed(view);
  if (none) {
    io.stdout(`Service ${ref.namespace}/${ref.name}: ${none}\n`);
    return exitCode("ok");
  }
  const rules = await readOnNode(cluster, node, NODE_COMMANDS[s.kubeProxyMode]);
  if (!rules.ok) return fail(`cannot read kube-proxy's ${s.kubeProxyMode} rules on node ${node}: ${rules.why}`);
  const explained = explainService(view, s.kubeProxyMode, node, rules.source, rules.output);
  io.stdout(values.json ? explanationJson(explained) : renderExplanation(explained));
  return exitCode(hasProblems(explained) ? "mismatch" : "ok");
}

export const explainCommand: Command = {
  name: "explain",
  summary: "explain service|pod: a Service's kube-proxy rules mapped to its endpoints; a pod's sandbox, netns, eth0 and its node-side end",
  help: EXPLAIN_HELP,
  run: (argv, io) => runExplain(argv, io),
};
