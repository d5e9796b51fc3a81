/**
 * Single-node swarm mode for the overlay lab, as a Pulumi dynamic provider driving the `docker` CLI
 * (@pulumi/docker 5.2 has no resource that initialises a swarm). The resource's id is the swarm's
 * cluster ID.
 *
 * - create: only on a daemon outside swarm mode (`docker info` Swarm.LocalNodeState "inactive");
 *   an active swarm is refused, unless its node carries this stack's labels (a swarm this stack made
 *   whose state was lost: taken over). `docker swarm init` on loopback addresses only, then the
 *   stack's labels on the node, and whether init made docker_gwbridge, so it can be removed again;
 * - read: the swarm is gone from the state when the daemon is no longer in that cluster;
 * - delete: `docker swarm leave --force` only when the daemon is still in the recorded cluster and
 *   its node still carries the labels; then docker_gwbridge, if init made it and nothing uses it.
 *   So the daemon is left in swarm mode as it was found.
 *
 * Serialized into the state like components/cluster/provider.ts, under its rules: no run-time import,
 * builtins from `process.getBuiltinModule`, helpers are declarations in this file.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DockerSwarmInputs, DockerSwarmOutputs } from "./swarm-types";

const DOCKER_TIMEOUT_MS = 2 * 60_000;
/** docker/swarm.ts GWBRIDGE, restated (this file imports nothing at run time): the bridge swarm mode makes for containers' way out of overlay networks, and the node label saying init made it. */
const GWBRIDGE = "docker_gwbridge";
const GWBRIDGE_LABEL = "io.cnilab.docker-gwbridge";
/** The property the dynamic provider host stores the serialized provider under (cmd/dynamic-provider, 3.270). */
const PROVIDER_KEY = "__provider";

interface SwarmInfo {
  NodeID?: string;
  LocalNodeState?: string;
  ControlAvailable?: boolean;
  Cluster?: { ID?: string } | null;
}

/** components/cluster/network-provider.ts runDocker, restated: a serialized provider imports nothing of ours. */
async function runDocker(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spawn } = process.getBuiltinModule("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn("docker", args, { stdio: ["ignore", "pipe", "pipe"], timeout: DOCKER_TIMEOUT_MS });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => reject(new Error(`cannot run \`docker\` (${e.message}): install Docker and put its CLI on PATH`)));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `docker <args>`'s stdout; a failure names what was being done and what docker said. */
async function docker(args: string[], what: string): Promise<string> {
  const r = await runDocker(args);
  if (r.code === 0) return r.stdout;
  throw new Error(`${what}: \`docker ${args.join(" ")}\` exited with ${r.code}: ${(r.stderr.trim() || r.stdout.trim() || "(no output)").split("\n").slice(-5).join(" ")}`);
}

async function swarmInfo(): Promise<SwarmInfo> {
  return JSON.parse(await docker(["info", "--format", "{{json .Swarm}}"], "reading the daemon's swarm state failed")) as SwarmInfo;
}

/** The labels of this daemon's swarm node; a worker cannot inspect nodes, so it has none we can read. */
async function nodeLabels(nodeId: string): Promise<Record<string, string>> {
  const r = await runDocker(["node", "inspect", nodeId, "--format", "{{json .Spec.Labels}}"]);
  return r.code === 0 ? ((JSON.parse(r.stdout) as Record<string, string> | null) ?? {}) : {};
}

function carries(live: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.keys(wanted).length > 0 && Object.entries(wanted).every(([k, v]) => live[k] === v);
}

async function gwbridgeExists(): Promise<boolean> {
  const out = await docker(["network", "ls", "--filter", `name=${GWBRIDGE}`, "--format", "{{.Name}}"], "listing Docker networks failed");
  return out.split("\n").some((l) => l.trim() === GWBRIDGE);
}

export const dockerSwarmProvider: pulumi.dynamic.ResourceProvider<DockerSwarmInputs, DockerSwarmOutputs> = {
  async diff(_id, olds, news) {
    const replaces: (keyof DockerSwarmInputs)[] = (["advertiseAddress", "listenAddress", "dataPathAddress"] as const).filter((k) => olds[k] !== news[k]);
    if (JSON.stringify(olds.nodeLabels) !== JSON.stringify(news.nodeLabels)) replaces.push("nodeLabels");
    const oldCode = (olds as unknown as Record<string, unknown>)[PROVIDER_KEY];
    const newCode = (news as unknown as Record<string, unknown>)[PROVIDER_KEY];
    // Only the provider's code changed: an update stores it and changes nothing on the daemon.
    const codeChanged = typeof oldCode === "string" && typeof newCode === "string" && oldCode !== newCode;
    return { changes: replaces.length > 0 || codeChanged, replaces, deleteBeforeReplace: true };
  },

  async update(_id, olds, news) {
    return { outs: { ...news, nodeId: olds.nodeId, gwbridgeMade: olds.gwbridgeMade } };
  },

  async create(inputs) {
    const before = await swarmInfo();
    const state = before.LocalNodeState ?? "";
    if (state === "active" && before.NodeID) {
      const labels = await nodeLabels(before.NodeID);
      if (carries(labels, inputs.nodeLabels)) {
        return { id: before.Cluster?.ID ?? before.NodeID, outs: { ...inputs, nodeId: before.NodeID, gwbridgeMade: labels[GWBRIDGE_LABEL] === "made" } };
      }
    }
    if (state !== "inactive") {
      const role = state === "active" ? (before.ControlAvailable ? "a swarm manager" : "a swarm worker") : `in swarm state '${state}'`;
      throw new Error(
        `the Docker daemon is already ${role} (node ${before.NodeID || "?"}${before.Cluster?.ID ? `, cluster ${before.Cluster.ID}` : ""}) of a swarm this stack did not make. ` +
          "The overlay lab initialises a single-node swarm of its own and leaves it on down; it will not join, change or leave someone else's. " +
          "Run it against a daemon outside swarm mode (`docker info` shows Swarm: inactive), or leave that swarm yourself (`docker swarm leave`) if nothing needs it.",
      );
    }
    const gwbridgeMade = !(await gwbridgeExists());
    const init = ["swarm", "init", "--advertise-addr", inputs.advertiseAddress, "--listen-addr", inputs.listenAddress, "--data-path-addr", inputs.dataPathAddress];
    await docker(init, "initialising swarm mode failed");
    const after = await swarmInfo();
    const nodeId = after.NodeID ?? "";
    const labels = { ...inputs.nodeLabels, ...(gwbridgeMade ? { [GWBRIDGE_LABEL]: "made" } : {}) };
    try {
      await docker(["node", "update", ...Object.entries(labels).flatMap(([k, v]) => ["--label-add", `${k}=${v}`]), nodeId], "labelling the swarm's node failed");
    } catch (err) {
      // A swarm nobody can recognise as the lab's would be left for good: undo the init.
      await runDocker(["swarm", "leave", "--force"]);
      throw err;
    }
    return { id: after.Cluster?.ID ?? nodeId, outs: { ...inputs, nodeId, gwbridgeMade } };
  },

  async read(id, props) {
    const info = await swarmInfo();
    // An empty id tells the engine the swarm is gone (see the kind provider's read).
    if (info.LocalNodeState !== "active" || (info.Cluster?.ID ?? info.NodeID) !== id) return { id: "" };
    return { id, props: props! };
  },

  async delete(id, props) {
    const info = await swarmInfo();
    if (info.LocalNodeState !== "active" || (info.Cluster?.ID ?? info.NodeID) !== id) return;
    if (!carries(await nodeLabels(info.NodeID ?? ""), props.nodeLabels)) return;
    await docker(["swarm", "leave", "--force"], "leaving swarm mode failed");
    if (props.gwbridgeMade && (await gwbridgeExists())) {
      const users = await docker(["network", "inspect", GWBRIDGE, "--format", "{{len .Containers}}"], `inspecting ${GWBRIDGE} failed`);
      if (users.trim() === "0") await docker(["network", "rm", GWBRIDGE], `removing ${GWBRIDGE} failed`);
    }
  },
};
