/**
 * `cnilab explain pod <stack> <namespace/name>`: from the kind node the pod runs on, its sandbox
 * (pause) container, its network namespace, eth0 and the node-side end of its attachment. Reading
 * and explaining are pure (pod-net/); this file asks the API server and the node.
 */
import { BACKEND_FACTS } from "../backends";
import { didYouMean } from "../labs/errors";
import { parseCrictlPods, parseInspectp, pickSandbox, type SandboxDetail } from "../pod-net/crictl";
import { explainPod, type NodeReadings } from "../pod-net/explain";
import { parseIpAddr, parseIpRoute } from "../ip/iproute2";
import { beforeNode, podView, type PodView } from "../pod-net/pod";
import { podExplanationJson, renderPodExplanation } from "../pod-net/render";
import type { Io } from "./command";
import { exitCode } from "./exit";
import type { PodCluster } from "./explain-cluster";
import { readOnNode } from "./explain-node";
import { reason } from "./explain-shared";

/**
 * kubelet labels every sandbox with its pod's uid and lists a pod's sandboxes by it (kubernetes
 * pkg/kubelet/types/labels.go KubernetesPodUIDLabel), so the sandbox is found by uid, not by a name a
 * new pod may reuse.
 */
const POD_UID_LABEL = "io.kubernetes.pod.uid";
/** `-d` adds the link kind (veth, macvlan…) and its mode; addr shows links and addresses at once. */
const IP_ADDR = ["ip", "-j", "-d", "addr", "show"];
const IP_ROUTE = ["ip", "-j", "route", "show"];

export interface PodTarget {
  stackName: string;
  clusterName: string;
  backend: keyof typeof BACKEND_FACTS;
  ref: { namespace: string; name: string };
  json: boolean;
}

/**
 * How to run a command inside the pod's network namespace from the node: kind's node image has
 * util-linux's nsenter, iproute2 and crictl (kubernetes-sigs/kind images/base/Dockerfile at 00dfd72:
 * the clean-install list and the crictl step). containerd names the path /var/run/netns/cni-<uuid>.
 */
function inPodNetns(s: SandboxDetail): string[] | undefined {
  if (s.netnsPath) return ["nsenter", `--net=${s.netnsPath}`];
  if (s.pid) return ["nsenter", "--target", String(s.pid), "--net"];
  return undefined;
}

export async function runExplainPod(t: PodTarget, cluster: PodCluster, io: Io): Promise<number> {
  const fail = (message: string) => (io.stderr(`cnilab explain: ${message}\n`), exitCode("not-up"));
  const { namespace, name } = t.ref;
  let pod;
  try {
    const found = await cluster.pod(namespace, name);
    if (!found) {
      const names = await cluster.podNames(namespace);
      const hint = names.length === 0 ? `namespace ${namespace} has no Pods` : `Pods in ${namespace}: ${names.join(", ")}`;
      return fail(`Pod ${namespace}/${name} not found in kind cluster '${t.clusterName}'${didYouMean(name, names)}; ${hint}`);
    }
    pod = podView(found);
  } catch (err) {
    return fail(`cannot reach the API server of kind cluster '${t.clusterName}': ${reason(err)} (is the lab up? cnilab up ${t.stackName})`);
  }
  const early = beforeNode(pod);
  if (early?.kind === "explain") return (io.stdout(`${early.text}\n`), exitCode("ok"));
  if (early) return fail(early.text);
  try {
    return await readAndExplain(t, pod, pod.node!, cluster, io, fail);
  } catch (err) {
    // A parser refusing what the node printed (not JSON, not the shape crictl / ip print).
    return fail(`node ${pod.node}: ${reason(err)}`);
  }
}

async function readAndExplain(t: PodTarget, pod: PodView, node: string, cluster: PodCluster, io: Io, fail: (message: string) => number): Promise<number> {
  const { namespace, name } = t.ref;
  const read = async (argv: readonly string[], what: string): Promise<string | { failed: string }> => {
    const r = await readOnNode(cluster, node, [argv]);
    return r.ok ? r.output : { failed: `cannot read ${what} on node ${node}: ${r.why}` };
  };
  const listed = await read(["crictl", "pods", "--label", `${POD_UID_LABEL}=${pod.uid}`, "-o", "json"], "the pod's sandbox (crictl pods)");
  if (typeof listed !== "string") return fail(listed.failed);
  const chosen = pickSandbox(parseCrictlPods(listed), pod.uid);
  if (!chosen) return fail(`node ${node} has no sandbox for Pod ${namespace}/${name} (uid ${pod.uid}): crictl pods lists none with ${POD_UID_LABEL}=${pod.uid}`);
  const inspected = await read(["crictl", "inspectp", "-o", "json", chosen.id], `sandbox ${chosen.id.slice(0, 13)} (crictl inspectp)`);
  if (typeof inspected !== "string") return fail(inspected.failed);
  const sandbox = parseInspectp(inspected);
  const enter = inPodNetns(sandbox);
  if (!enter) return fail(`sandbox ${chosen.id.slice(0, 13)} shows neither a network namespace path nor a pid (crictl inspectp): its pause container is gone`);

  const outputs: string[] = [];
  for (const [argv, what] of [
    [[...enter, ...IP_ADDR], "the pod's interfaces"],
    [[...enter, ...IP_ROUTE], "the pod's routes"],
    [IP_ADDR, "the node's interfaces"],
    [IP_ROUTE, "the node's routes"],
  ] as const) {
    const out = await read(argv, what);
    if (typeof out !== "string") return fail(out.failed);
    outputs.push(out);
  }
  const [podAddr, podRoute, nodeAddr, nodeRoute] = outputs as [string, string, string, string];
  const readings: NodeReadings = {
    sandbox,
    entered: enter.join(" "),
    podLinks: parseIpAddr(podAddr),
    podRoutes: parseIpRoute(podRoute),
    nodeLinks: parseIpAddr(nodeAddr),
    nodeRoutes: parseIpRoute(nodeRoute),
  };
  const explained = explainPod(pod, node, BACKEND_FACTS[t.backend].datapath.podAttachment, readings);
  io.stdout(t.json ? podExplanationJson(explained) : renderPodExplanation(explained));
  return exitCode(explained.problems.length > 0 ? "mismatch" : "ok");
}
