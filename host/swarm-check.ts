/**
 * Whether the overlay lab may use this daemon's swarm mode, asked before anything is made: outside
 * swarm mode (the lab makes its own), or in a swarm whose node carries the stack's labels (the lab's
 * own, from an earlier `up`). A swarm of anyone else's is refused, politely: the lab never joins,
 * changes or leaves it. components/docker/swarm-provider.ts decides the same at create time (it
 * runs serialized in Pulumi's provider host and so restates this rule rather than importing it).
 */
import { fail, pass, type Check } from "./check";
import type { Host } from "./host";

const DOCKER_TIMEOUT_MS = 60_000;

interface SwarmInfo {
  NodeID?: string;
  LocalNodeState?: string;
  ControlAvailable?: boolean;
}

/** The daemon's swarm state, and its node's labels when it is a manager (a worker cannot inspect nodes). */
export async function readSwarm(host: Host): Promise<{ info: SwarmInfo; labels: Record<string, string> } | string> {
  const r = await host.run("docker", ["info", "--format", "{{json .Swarm}}"], DOCKER_TIMEOUT_MS);
  if (r.code !== 0) return `\`docker info\` failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}`;
  let info: SwarmInfo;
  try {
    info = JSON.parse(r.stdout) as SwarmInfo;
  } catch {
    return `\`docker info --format '{{json .Swarm}}'\` printed no JSON: ${r.stdout.trim().slice(0, 80)}`;
  }
  if (info.LocalNodeState !== "active" || !info.NodeID) return { info, labels: {} };
  const node = await host.run("docker", ["node", "inspect", info.NodeID, "--format", "{{json .Spec.Labels}}"], DOCKER_TIMEOUT_MS);
  return { info, labels: node.code === 0 ? ((JSON.parse(node.stdout) as Record<string, string> | null) ?? {}) : {} };
}

/** True when the node carries every one of `labels`. */
export function carriesLabels(live: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.keys(labels).length > 0 && Object.entries(labels).every(([k, v]) => live[k] === v);
}

export async function checkSwarm(host: Host, labels: Readonly<Record<string, string>>): Promise<Check> {
  const id = "docker-swarm";
  const read = await readSwarm(host);
  if (typeof read === "string") return fail(id, `cannot read the daemon's swarm state: ${read}`, "start Docker, then run the command again");
  const { info } = read;
  const state = info.LocalNodeState ?? "(unknown)";
  if (state === "inactive") return pass(id, "the daemon is not in swarm mode: the overlay lab makes a single-node swarm of its own and leaves it on down");
  if (state === "active" && carriesLabels(read.labels, labels)) {
    return pass(id, `the daemon's swarm is this stack's (node ${info.NodeID} carries ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ")}): up uses it, down leaves it`);
  }
  const role = state === "active" ? (info.ControlAvailable ? "a swarm manager" : "a swarm worker") : `in swarm state '${state}'`;
  return fail(
    id,
    `the daemon is already ${role} (node ${info.NodeID || "?"}) of a swarm this stack did not make; the overlay lab will not join, change or leave someone else's swarm`,
    "run the lab against a daemon outside swarm mode, or leave that swarm yourself (`docker swarm leave`, `--force` on a manager) if nothing needs it",
  );
}
