/**
 * What Docker has that a lab could collide with or leave behind, read in three calls: every network
 * (name, subnets, labels), then every container, of which kind's node containers (kind's cluster
 * label, the networks they sit on) and those carrying cnilab's project label (the Docker-only labs').
 * Read-only: `plan`, `up`
 * and `down` decide from it what is whose (host/ownership.ts).
 */
import { IDENTITY_LABELS, PROJECT_NAME } from "./identity";
import { KIND_CLUSTER_LABEL } from "./kind";
import type { RunResult } from "./run";

export interface HostNetwork {
  name: string;
  subnets: string[];
  labels: Record<string, string>;
}

export interface HostKindNode {
  /** The container's name (= the Kubernetes node name). */
  name: string;
  cluster: string;
  /** The Docker networks it is attached to. */
  networks: string[];
}

export interface HostContainer {
  name: string;
  /** Its io.cnilab.stack label. */
  stack: string;
}

export interface DockerView {
  networks: HostNetwork[];
  kindNodes: HostKindNode[];
  /** Containers labelled io.cnilab.project=cnilab (Docker-only labs' servers, clients, wires). */
  containers: HostContainer[];
}

/** Runs `docker <args>` (the caller bounds its time). */
export type DockerRun = (args: string[]) => Promise<RunResult>;

export class DockerViewError extends Error {
  override name = "DockerViewError";
}

/** kind clusters on the machine, as kind lists them: every distinct cluster label of a node container. */
export function kindClusters(view: DockerView): string[] {
  return [...new Set(view.kindNodes.map((n) => n.cluster))].sort();
}

export async function readDockerView(docker: DockerRun): Promise<DockerView> {
  const out = async (args: string[]): Promise<string> => {
    const r = await docker(args);
    if (r.code !== 0) {
      const said = (r.stderr || r.stdout).trim().split("\n").pop() || r.failure || `exit ${r.code}`;
      throw new DockerViewError(`\`docker ${args.join(" ")}\` failed: ${said}`);
    }
    return r.stdout;
  };
  const rows = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => l.split("\t"));
  const names = rows(await out(["network", "ls", "--format", "{{.Name}}"])).map(([n]) => n!);
  const inspected = names.length === 0 ? [] : (JSON.parse(await out(["network", "inspect", ...names])) as NetworkInspect[]);
  const networks = inspected.map((n) => ({
    name: n.Name,
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => typeof s === "string"),
    labels: n.Labels ?? {},
  }));
  // Every container in one call: kind's node containers by kind's label, the Docker-only labs' by ours.
  const format = [`{{.Names}}`, `{{.Label "${KIND_CLUSTER_LABEL}"}}`, `{{.Networks}}`, `{{.Label "${IDENTITY_LABELS.project}"}}`, `{{.Label "${IDENTITY_LABELS.stack}"}}`];
  const all = rows(await out(["ps", "-a", "--format", format.join("\t")]));
  const kindNodes = all
    .filter(([, cluster]) => cluster)
    .map(([name, cluster, nets]) => ({ name: name!, cluster: cluster!, networks: (nets ?? "").split(",").filter((n) => n !== "") }));
  const containers = all.filter(([, , , project]) => project === PROJECT_NAME).map(([name, , , , stack]) => ({ name: name!, stack: stack ?? "" }));
  return { networks, kindNodes, containers };
}

/** The part of `docker network inspect`'s JSON read here. */
interface NetworkInspect {
  Name: string;
  IPAM?: { Config?: { Subnet?: string }[] | null };
  Labels?: Record<string, string> | null;
}
