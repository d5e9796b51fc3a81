/** Reading one listing on a node (kube-proxy's rules, crictl, ip): the first command of the list that the node can run. */
import type { ServiceCluster } from "./explain-cluster";

export type NodeOutput = { ok: true; source: string; output: string } | { ok: false; why: string };

/** docker's own words when the container is not there or not running: the node, not the tool, is missing. */
const NODE_GONE = /No such container|is not running/;

export async function readOnNode(cluster: Pick<ServiceCluster, "onNode">, node: string, commands: readonly (readonly string[])[]): Promise<NodeOutput> {
  const tried: string[] = [];
  for (const argv of commands) {
    const r = await cluster.onNode(node, argv);
    if (r.code === 0) return { ok: true, source: argv.join(" "), output: r.stdout };
    const said = (r.stderr.trim() || r.failure || `exit ${r.code}`).split("\n")[0]!;
    if (r.failure === "not-found") return { ok: false, why: `docker is not on PATH (${said})` };
    if (NODE_GONE.test(said)) return { ok: false, why: `${said} (is the lab up? 'kind get nodes' lists the node containers)` };
    tried.push(`${argv.join(" ")}: ${said}`);
  }
  return { ok: false, why: tried.join("; ") };
}
