/**
 * The plain data a Docker-only lab's plan is (docker/plan.ts makes it): the Docker networks and
 * containers in the shapes @pulumi/docker takes (docker.Network / docker.Container arguments).
 */
import type { Label } from "../host/identity";
import type { DockerDriver, NetworkDriver } from "./drivers";
import type { ParentPlan } from "./parent";
import type { DockerProbe } from "./probes";
import type { SwarmPlan } from "./swarm";
import type { SkippedProbe } from "../verdict/types";

export interface NetworkPlan {
  /** Docker's network name; also the Pulumi resource name. */
  name: string;
  /** `parent`: the Linux bridge the lab makes to hang macvlan/ipvlan containers off. */
  role: "lab" | "parent";
  driver: NetworkDriver;
  options: Record<string, string>;
  internal: boolean;
  /** Standalone containers may join: an overlay network needs it (swarm services do not). */
  attachable: boolean;
  ipamConfigs: { subnet: string; gateway?: string }[];
  labels: Label[];
}

export interface ContainerPlan {
  /** Docker's container name: `<stack name>-<labName>`. */
  name: string;
  /** Its name in the lab file (the wire's is `wire`). */
  labName: string;
  /**
   * server: the probes' target; client: an assertion container running the probe; wire: see
   * planParent; clash: a server whose port an earlier one holds in a shared namespace (docker/servers.ts).
   */
  role: "server" | "client" | "wire" | "clash";
  image: string;
  command: string[];
  /** Docker's predefined network it runs on instead of lab networks (`networksAdvanced` is then empty). */
  networkMode?: "host" | "none";
  networksAdvanced: { name: string; ipv4Address: string }[];
  labels: Label[];
  /** Docker's tiny init as PID 1, so a stop is immediate (busybox and node ignore SIGTERM as PID 1). */
  init: boolean;
  /**
   * The provider reads `containerLogs` as the raw log stream, which without a TTY carries Docker's
   * 8-byte stdout/stderr frame headers; with a TTY the log is plain text (lines end in \r\n).
   */
  tty: boolean;
  /** Run to completion and keep the logs: `attach` waits for the exit, `mustRun: false` accepts it. */
  attach: boolean;
  logs: boolean;
  mustRun: boolean;
  /** Files written into the container before it starts. */
  uploads: { file: string; content: string }[];
}

export interface DockerLabPlan {
  /** The prefix of every Docker object's name. */
  name: string;
  lab: string;
  driver: DockerDriver;
  parent: ParentPlan;
  /** Swarm mode the lab's overlay networks need, initialised by the lab and left again on destroy. */
  swarm?: SwarmPlan;
  /** In creation order: the parent network (if any) first. */
  networks: NetworkPlan[];
  /** In creation order: wire, servers (and clashes), then clients (which probe the others). */
  containers: ContainerPlan[];
  probes: DockerProbe[];
  skipped: SkippedProbe[];
  /** Every image the lab pulls, for mirroring. */
  images: string[];
}
