/**
 * What `down` finds still there after `pulumi destroy` — Docker networks and containers, a kind
 * cluster — looked up by name, removed only when it is the lab's, and said, one line each. A
 * Docker-only lab's leftovers are its containers and networks (dockerDown).
 */
import type { DockerSpec } from "../docker";
import { planDocker } from "./docker-plan";
import type { Host } from "./doctor-host";
import { preflightDockerDown } from "./doctor-preflight";
import type { DownTarget } from "./down";

const TOOL_TIMEOUT_MS = 5 * 60_000;

export class Leftovers {
  readonly lines: string[] = [];
  /** False once something could not be removed. */
  ok = true;

  constructor(private readonly host: Host) {}

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

  /** The lab's network is the one with this name and its `subnet`; another is left alone. */
  async network(name: string, subnet: string): Promise<void> {
    const inspect = await this.run("docker", ["network", "inspect", name, "--format", "{{json .IPAM.Config}}"]);
    if (inspect.code !== 0) return void this.lines.push(`No Docker network ${name} left.`);
    const subnets = ((JSON.parse(inspect.stdout.trim() || "null") ?? []) as { Subnet?: string }[]).map((c) => c.Subnet);
    if (subnets.includes(subnet)) await this.remove(`Docker network ${name}`, "docker", ["network", "rm", name]);
    else this.lines.push(`Docker network ${name} exists with subnet ${subnets.join(", ") || "none"}, not this stack's ${subnet}: left alone.`);
  }

  /** The lab's container is the one with this name and every label the lab gives it; `rm -f` because it may still run. */
  async container(name: string, labels: readonly { label: string; value: string }[]): Promise<void> {
    const inspect = await this.run("docker", ["container", "inspect", name, "--format", "{{json .Config.Labels}}"]);
    if (inspect.code !== 0) return void this.lines.push(`No Docker container ${name} left.`);
    const found = (JSON.parse(inspect.stdout.trim() || "null") ?? {}) as Record<string, string>;
    const missing = labels.filter((l) => found[l.label] !== l.value).map((l) => `${l.label}=${l.value}`);
    if (missing.length === 0) await this.remove(`Docker container ${name}`, "docker", ["rm", "-f", name]);
    else this.lines.push(`Docker container ${name} exists without this lab's label ${missing.join(", ")}: left alone.`);
  }
}

/** A Docker-only lab: Docker and Pulumi, no kind; its containers and networks by name. */
export function dockerDown(spec: DockerSpec): DownTarget {
  const plan = planDocker(spec);
  return {
    preflight: preflightDockerDown,
    removeLeftovers: async (left) => {
      // Docker refuses to remove a network that still has endpoints, and the macvlan/ipvlan networks
      // hang off the parent bridge: containers first, then networks in reverse creation order.
      for (const c of [...plan.containers].reverse()) await left.container(c.name, c.labels);
      for (const n of [...plan.networks].reverse()) await left.network(n.name, n.ipamConfigs[0]!.subnet);
    },
  };
}
