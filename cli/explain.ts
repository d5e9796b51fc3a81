/**
 * `cnilab explain service <stack> <namespace/name>`: the rules kube-proxy wrote on one node of a
 * running lab for one Service, mapped back to the Service's ports and its EndpointSlices. Reading
 * and explaining are pure (kube-proxy/); this file finds the stack, the cluster and the node.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { didYouMean } from "../labs/errors";
import { hostTools } from "../perf/host";
import { planNodes } from "../plan/nodes";
import { explainService, NODE_COMMANDS, unprogrammed } from "../kube-proxy/explain";
import { explanationJson, hasProblems, renderExplanation } from "../kube-proxy/render";
import { serviceView } from "../kube-proxy/service";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { systemHost } from "./doctor-host";
import { kindCluster, type ServiceCluster } from "./explain-cluster";
import { readNodeRules } from "./explain-node";
import { loadStackSpecOrReport, PROJECT_ROOT, resolveStack } from "./stack-arg";
import { locateTool } from "./tools";

export const EXPLAIN_HELP = `Usage: cnilab explain service <stack> <namespace/name> [--node NODE] [--kubeconfig FILE] [--json]

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

Arguments
  <stack>           a kind-cluster stack (stacks/Pulumi.<stack>.yaml) whose lab is up
  <namespace/name>  the Service; a name alone means namespace default

Options
  --node NODE        the node container to read (default: the first worker, else the control
                     plane); every node has the same rules for a ClusterIP
  --kubeconfig FILE  the cluster's kubeconfig (default: 'kind get kubeconfig --name <cluster>')
  --json             the explanation as JSON

Exit status: 0 explained; 1 explained with a problem (the rules and the EndpointSlices disagree,
or kube-proxy is not in the stack's mode on the node); 2 bad usage, an invalid stack, a Service not
found, or a cluster or node that cannot be reached.

Examples
  cnilab explain service kindnet kube-system/kube-dns
  cnilab explain service flannel-vxlan default/echo --node lab-worker2 --json
`;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** "<namespace/name>" or "<name>" (namespace default), each a DNS-1123 label as the API requires. */
export function parseServiceRef(arg: string): { namespace: string; name: string } {
  const parts = arg.split("/");
  const [namespace, name] = parts.length === 1 ? ["default", parts[0]!] : parts;
  if (parts.length > 2 || !namespace || !name) throw new UsageError(`<namespace/name> '${arg}' is not a Service reference: expected namespace/name, e.g. kube-system/kube-dns`);
  for (const [what, value] of [["namespace", namespace], ["name", name]] as const) {
    if (!DNS1123_LABEL.test(value)) throw new UsageError(`<namespace/name> '${arg}': the ${what} '${value}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending alphanumeric)`);
  }
  return { namespace, name };
}

/** An error's first line, with what caused it: Node's fetch says only "fetch failed" and keeps the reason in `cause`. */
function reason(err: unknown): string {
  const first = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? first(err) : `${first(err)}: ${first(cause)}`;
}

export interface ExplainDeps {
  root: string;
  /** The lab's cluster, or why it cannot be reached; tests hand a fake. */
  cluster(clusterName: string, kubeconfigFile: string | undefined, io: Io): Promise<ServiceCluster | string>;
}

async function defaultCluster(clusterName: string, kubeconfigFile: string | undefined, io: Io): Promise<ServiceCluster | string> {
  let kubeconfig: string;
  if (kubeconfigFile !== undefined) {
    try {
      kubeconfig = readFileSync(resolve(io.cwd, kubeconfigFile), "utf8");
    } catch (err) {
      return `cannot read --kubeconfig ${kubeconfigFile}: ${(err as Error).message}`;
    }
  } else {
    // kind as every command finds it (the tools folder included).
    const kind = await locateTool(systemHost(io.env, io.cwd), "kind");
    try {
      kubeconfig = await hostTools(kind.use ? { ...io.env, CNILAB_KIND: kind.use.path } : io.env).kubeconfig(clusterName);
    } catch (err) {
      return `no kubeconfig for kind cluster '${clusterName}' (${(err as Error).message.split("\n")[0]}): is the lab up? Or pass --kubeconfig`;
    }
  }
  return kindCluster(kubeconfig, io.env);
}

export async function runExplain(argv: string[], io: Io, deps: ExplainDeps = { root: PROJECT_ROOT, cluster: defaultCluster }): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { node: { type: "string" }, kubeconfig: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const [verb, stackArg, serviceArg, ...extra] = positionals;
  if (verb !== "service") throw new UsageError(verb === undefined ? "expected what to explain: service" : `cannot explain '${verb}'${didYouMean(verb, ["service"])}; what it explains: service`);
  if (stackArg === undefined || serviceArg === undefined || extra.length > 0) throw new UsageError(`expected <stack> <namespace/name>, got ${positionals.slice(1).join(" ") || "nothing"}`);
  const ref = parseServiceRef(serviceArg);
  const stack = resolveStack(stackArg, deps.root, io.cwd);
  const spec = await loadStackSpecOrReport(stack, io, "explain");
  if (typeof spec === "number") return spec;
  const s = spec.stack;
  const nodes = planNodes(s.clusterName, s.workers).map((n) => n.name);
  const node = values.node ?? nodes.find((n) => !n.endsWith("-control-plane")) ?? nodes[0]!;
  if (!nodes.includes(node)) throw new UsageError(`--node '${node}' is not a node of ${stack.source}${didYouMean(node, nodes)}; its nodes: ${nodes.join(", ")}`);
  const fail = (message: string) => (io.stderr(`cnilab explain: ${message}\n`), 2);

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
    return 0;
  }
  const rules = await readNodeRules(cluster, node, NODE_COMMANDS[s.kubeProxyMode]);
  if (!rules.ok) return fail(`cannot read kube-proxy's ${s.kubeProxyMode} rules on node ${node}: ${rules.why}`);
  const explained = explainService(view, s.kubeProxyMode, node, rules.source, rules.output);
  io.stdout(values.json ? explanationJson(explained) : renderExplanation(explained));
  return hasProblems(explained) ? 1 : 0;
}

export const explainCommand: Command = {
  name: "explain",
  summary: "explain service: the kube-proxy rules of a Service on a node, mapped to its ports and endpoints",
  help: EXPLAIN_HELP,
  run: (argv, io) => runExplain(argv, io),
};
