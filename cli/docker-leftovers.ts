/**
 * What `down` finds still there after `pulumi destroy`, removed only when it is this stack's
 * (host/ownership.ts: recorded in its state, or carrying its identity), and said, one line each. What
 * the stack file names but belongs to someone else is left alone and named. A Docker-only lab's
 * leftovers are its containers and networks (dockerDown).
 */
import { GWBRIDGE, planDockerLab, swarmNodeLabels, type DockerSpec } from "../docker";
import { carriesLabels, readSwarm } from "../host/swarm-check";
import type { DockerView, HostNetwork } from "../host/docker-view";
import type { Owned } from "../host/ownership";
import { networkOwnerText } from "../host/ownership";
import { identityText } from "../host/identity";
import type { Host } from "../host/host";
import { preflightDockerDown } from "../host/preflight";
import type { DownTarget } from "./services/teardown";

const TOOL_TIMEOUT_MS = 5 * 60_000;
/** The label the Docker-only lab puts on its parent bridge network (docker/plan.ts). */
const ROLE_LABEL = "cnilab.role";

/** What Docker shows and which of it is the stack's. */
export interface Found {
  stack: string;
  view: DockerView;
  owned: Owned;
}

export class Leftovers {
  readonly lines: string[] = [];
  /** False once something could not be removed. */
  ok = true;

  constructor(readonly host: Host) {}

  run(file: string, args: string[]) {
    return this.host.run(file, args, TOOL_TIMEOUT_MS);
  }

  /** Removes `what` with the given command and says how it went. */
  async remove(what: string, file: string, args: string[]): Promise<void> {
    const r = await this.run(file, args);
    if (r.code === 0) this.lines.push(`Removed the leftover ${what}.`);
    else {
      this.ok = false;
      this.lines.push(`Could not remove the leftover ${what}: \`${[file, ...args].join(" ")}\` said: ${(r.stderr || r.stdout).trim().split("\n").pop()}`);
    }
  }

  /**
   * Removes the stack's networks (`owned`, in that order), and names each network the stack file
   * names (`expected`) that is gone or someone else's.
   */
  async networks(found: Found, owned: readonly HostNetwork[], expected: readonly string[]): Promise<void> {
    for (const n of owned) await this.remove(`Docker network ${n.name}`, "docker", ["network", "rm", n.name]);
    for (const name of expected.filter((e) => !owned.some((n) => n.name === e))) {
      const other = found.view.networks.find((n) => n.name === name);
      if (!other) this.lines.push(`No Docker network ${name} left.`);
      else this.lines.push(`Docker network ${name} exists and is ${networkOwnerText(other)}, not this stack's (${identityText(found.stack)}): left alone.`);
    }
  }
}

/**
 * A Docker-only lab: Docker and Pulumi, no kind; its containers, then its networks. Without a
 * readable stack file (`spec` undefined) the labels alone say what is the stack's.
 */
export function dockerDown(spec: DockerSpec | undefined): DownTarget {
  const plan = spec ? planDockerLab(spec) : undefined;
  return {
    preflight: preflightDockerDown,
    removeLeftovers: async (left, _pre, found) => {
      // Docker refuses to remove a network that still has endpoints, and the macvlan/ipvlan networks
      // hang off the parent bridge: containers first, then networks, the parent last.
      const order = (plan?.containers ?? []).map((c) => c.name).reverse();
      const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : -1);
      const containers = [...found.owned.containers].sort((a, b) => rank(a) - rank(b));
      for (const c of containers) await left.remove(`Docker container ${c}`, "docker", ["rm", "-f", c]);
      for (const name of order.filter((n) => !containers.includes(n))) await foreignContainer(left, name, found.stack);
      const networks = [...found.owned.networks].sort((a, b) => Number(a.labels[ROLE_LABEL] === "parent") - Number(b.labels[ROLE_LABEL] === "parent"));
      await left.networks(found, networks, (plan?.networks ?? []).map((n) => n.name).reverse());
      // Without a readable stack file the driver is unknown: a swarm carrying the stack's labels is still its own.
      if (plan === undefined || plan.swarm !== undefined) await leftoverSwarm(left, found.stack);
    },
  };
}

/**
 * Swarm mode the overlay lab made and destroy did not leave (its state lost, or destroy failed):
 * left only when the daemon's node carries the stack's labels; anyone else's swarm is not touched.
 */
async function leftoverSwarm(left: Leftovers, stack: string): Promise<void> {
  const read = await readSwarm(left.host);
  if (typeof read === "string" || read.info.LocalNodeState !== "active" || !carriesLabels(read.labels, swarmNodeLabels(stack))) return;
  await left.remove(`swarm mode this stack made (node ${read.info.NodeID})`, "docker", ["swarm", "leave", "--force"]);
  if (read.labels[GWBRIDGE.madeLabel] !== GWBRIDGE.made) return;
  const users = await left.run("docker", ["network", "inspect", GWBRIDGE.network, "--format", "{{len .Containers}}"]);
  if (users.code === 0 && users.stdout.trim() === "0") await left.remove(`${GWBRIDGE.network} the swarm's init made`, "docker", ["network", "rm", GWBRIDGE.network]);
}

/** A container the stack file names that is not the stack's: gone, or someone else's and left alone. */
async function foreignContainer(left: Leftovers, name: string, stack: string): Promise<void> {
  const inspect = await left.run("docker", ["container", "inspect", name, "--format", "{{json .Config.Labels}}"]);
  if (inspect.code !== 0) left.lines.push(`No Docker container ${name} left.`);
  else left.lines.push(`Docker container ${name} exists without this stack's labels (${identityText(stack)}): left alone.`);
}
