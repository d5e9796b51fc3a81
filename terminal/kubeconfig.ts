/**
 * The kubeconfig a participant's terminal gets: their cluster's entry alone, pointed at the API
 * server by its name on the participant's own Docker network. That is the address
 * `kind get kubeconfig --internal` gives: kind returns the node's /etc/kubernetes/admin.conf with its
 * server unchanged (kubernetes-sigs/kind pkg/cluster/internal/kubeconfig/kubeconfig.go, commit
 * 01ab8e1), and kubeadm writes that server from controlPlaneEndpoint, which kind sets to the Docker
 * provider's internal endpoint: the API server node's name (its hostname on the network) and
 * APIServerInternalPort 6443 (pkg/cluster/internal/create/actions/config/config.go, commit 1463088;
 * pkg/cluster/internal/providers/docker/provider.go GetAPIServerInternalEndpoint, commit 00ec5e9).
 * With one control plane (plan/nodes.ts plans exactly one) that node is <cluster>-control-plane, a
 * name the API server's certificate carries: kubeadm's default SANs include <node-name> (kubeadm
 * reference, `init phase certs apiserver`), and kind names the node after its container. The terminal sits on that network only, so the host's
 * published API port (the saved kubeconfig's address) is neither needed nor reachable from it.
 */
import { parse, stringify } from "yaml";

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  context?: T;
  user?: T;
}
interface Kubeconfig {
  clusters?: Named<Record<string, unknown>>[];
  contexts?: Named<{ cluster?: string; user?: string }>[];
  users?: Named<Record<string, unknown>>[];
  "current-context"?: string;
  [key: string]: unknown;
}

/** kind's API server port inside the control-plane node (kind's common.APIServerInternalPort). */
export const KIND_INTERNAL_API_PORT = 6443;

export function internalApiServer(clusterName: string): string {
  return `https://${clusterName}-control-plane:${KIND_INTERNAL_API_PORT}`;
}

/**
 * `kubeconfig` is what `kind get kubeconfig` gave for the participant's cluster (context
 * kind-<cluster>); anything else in it (another cluster, context or user) is dropped.
 */
export function terminalKubeconfig(kubeconfig: string, clusterName: string): string {
  const config = parse(kubeconfig) as Kubeconfig;
  const contextName = `kind-${clusterName}`;
  const context = config.contexts?.find((c) => c.name === contextName);
  const cluster = config.clusters?.find((c) => c.name === context?.context?.cluster);
  const user = config.users?.find((u) => u.name === context?.context?.user);
  if (!context || !cluster || !user) {
    const known = (config.contexts ?? []).map((c) => c.name).join(", ") || "none";
    throw new Error(`terminal kubeconfig: no complete context '${contextName}' (its cluster and user) in the kubeconfig of cluster '${clusterName}'; contexts there: ${known}`);
  }
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ ...cluster, cluster: { ...cluster.cluster, server: internalApiServer(clusterName) } }],
    contexts: [context],
    users: [user],
    "current-context": contextName,
    preferences: {},
  });
}
