import { DRIVER_FACTS } from "./drivers";
import { probeId } from "./lab";
import { HOST_LOOPBACK, serverAddress } from "./paths";
import type { ContainerPlan } from "./plan-types";
import type { DockerProbe } from "./probes";
import type { DockerLabServer } from "./schema";
import type { DockerSpec } from "./spec";

/**
 * How long a clash container may serve before `timeout` stops it, in seconds. It should fail at
 * once; if its bind succeeded after all (no collision), it must still end, because `up` waits for
 * it to exit (attach) to read its log.
 */
export const CLASH_BOUND_S = 5;

/** The group of a server's own listen, judged from its exit and log (docker/report.ts). */
export const BIND_GROUP = "bind";

/**
 * The lab's servers: busybox httpd on each server's port. On the host network every server binds
 * in one namespace, on the host's loopback only (nothing it serves leaves the machine); when the
 * driver's facts say ports clash there, a server whose port an earlier one holds becomes a clash:
 * it runs to its exit, after the holder (components/docker orders it), and its listen is a check
 * with the expected outcome and why.
 */
export function planDockerServers(
  spec: DockerSpec,
  make: (server: DockerLabServer, role: "server" | "clash", command: string[]) => ContainerPlan,
): { containers: ContainerPlan[]; probes: DockerProbe[] } {
  const facts = DRIVER_FACTS[spec.stack.dockerDriver];
  const containers: ContainerPlan[] = [];
  const probes: DockerProbe[] = [];
  const holders = new Map<string, string>();
  for (const s of spec.lab.servers) {
    const shared = s.network === undefined && facts.predefined === "host";
    const listen = shared ? `${HOST_LOOPBACK}:${s.port}` : String(s.port);
    const httpd = ["httpd", "-f", "-p", listen, "-h", "/"];
    const holder = shared ? holders.get(listen) : undefined;
    if (holder === undefined || facts.portClash === undefined) {
      if (shared) holders.set(listen, s.name);
      containers.push(make(s, "server", httpd));
      continue;
    }
    // Runs to completion like a client: a TTY for plain-text logs, its exit accepted.
    containers.push({ ...make(s, "clash", ["timeout", String(CLASH_BOUND_S), ...httpd]), tty: true, attach: true, logs: true, mustRun: false });
    probes.push({
      id: probeId(s.name, holder, s.port, "tcp"),
      group: BIND_GROUP,
      client: s.name,
      to: serverAddress(s),
      toLabel: holder,
      port: s.port,
      protocol: "tcp",
      expect: facts.portClash.expect,
      why: facts.portClash.why,
    });
  }
  return { containers, probes };
}
