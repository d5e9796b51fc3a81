/**
 * Which CNI changes can be made in place on a running kind cluster, and why the others cannot. Pure:
 * the answer comes from the two backends' facts and the two kind configs, never from a list of names.
 */
import { BACKEND_FACTS, type Backend } from "../backends";
import type { KindClusterConfig } from "../plan/cluster";

/** How a migration is made: the same CNI with another backend, or one CNI removed and another installed. */
export type MigrationRoute = "flannel-backend" | "replace-cni";

export type RouteAnswer = { route: MigrationRoute } | { refused: string };

/** The kind config fields whose change replaces the cluster (components/cluster/provider.ts diff: every one of them). */
function kindConfigChanges(from: KindClusterConfig, to: KindClusterConfig): string[] {
  const fields: string[] = [];
  for (const key of Object.keys({ ...from.networking, ...to.networking }) as (keyof KindClusterConfig["networking"])[]) {
    if (from.networking[key] !== to.networking[key]) fields.push(`networking.${key} ${JSON.stringify(from.networking[key])} → ${JSON.stringify(to.networking[key])}`);
  }
  if (JSON.stringify(from.nodes) !== JSON.stringify(to.nodes)) fields.push("nodes");
  return fields;
}

const KINDNET =
  "kindnet is kind's own CNI: kind applies it while it creates the cluster, and only when the kind config says networking.disableDefaultCNI: false " +
  "(kind v0.30.0 pkg/cluster/internal/create/create.go: the installcni action runs only when DisableDefaultCNI is false); a kind config cannot change on a running cluster, so going to or from kindnet means a new cluster: " +
  "'cnilab down' and 'cnilab up' with the other backend";

/**
 * The route from one backend to another on the same cluster, or the reason there is none. `kind`
 * holds both plans' kind configs: a change there replaces the cluster, which is not a migration.
 */
export function migrationRoute(from: Backend, to: Backend, kind: { from: KindClusterConfig; to: KindClusterConfig }): RouteAnswer {
  const a = BACKEND_FACTS[from];
  const b = BACKEND_FACTS[to];
  if (from === to) return { refused: `the stack's backend is already ${to}: nothing to migrate` };
  if (a.family === "kindnet" || b.family === "kindnet") return { refused: KINDNET };
  const changes = kindConfigChanges(kind.from, kind.to);
  if (changes.length > 0) return { refused: `the kind config changes (${changes.join("; ")}), which replaces the cluster: that is 'cnilab down' and 'cnilab up', not a migration` };
  if (b.family === "multiplex") {
    return {
      refused:
        `${to} makes each pod ${/^[aeiou]/.test(b.datapath.podAttachment) ? "an" : "a"} ${b.datapath.podAttachment} sub-interface of the node's eth0: the node network must be an L2 segment the pods share with the nodes, ` +
        "pod addresses come from per-node ranges the plan fixes (not the node's podCIDR), and a pod cannot reach its own node. " +
        "These are needs of the node network and the lab, not of a CNI swap: build it as a stack of its own",
    };
  }
  if (a.family === "flannel" && b.family === "flannel") return { route: "flannel-backend" };
  if (a.family === "flannel") return { route: "replace-cni" };
  // Only flannel's node leftovers are listed (migrate/leftovers.ts); removing another CNI's by guess could leave its datapath half there.
  return {
    refused:
      `cnilab knows which files, devices, routes and chains flannel leaves on a node (migrate/leftovers.ts), not yet what ${from} leaves: ` +
      `migrating from ${from} is not planned. Build the other backend as its own stack instead`,
  };
}
