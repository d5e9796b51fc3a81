/**
 * A pod's ports as NetworkPolicy sees them, and what is worth a note about them. Named ports resolve
 * against the regular containers and the native sidecars (initContainers with `restartPolicy:
 * Always`): Kubernetes' FindPort looks in both since kubernetes/kubernetes#127976 (fixes #125285,
 * v1.32), calico puts init container ports on the WorkloadEndpoint since projectcalico/calico#8885,
 * and kube-ovn#4994 likewise. Plain init containers have exited before the pod serves.
 */
import { isObj, type Obj } from "./guards";
import { isPortNumber, portNameProblem } from "./parse-port";
import { PROTOCOLS, type ContainerPortInput, type Protocol } from "./types";

interface OwnedPort extends ContainerPortInput {
  container: string;
}

/** Ports of `spec.containers` then of the sidecars, as FindPort searches them; problems name the field. */
export function readPodPorts(spec: Obj, pod: string, problems: string[], notes: string[]): ContainerPortInput[] {
  const ports = [...readPorts(spec.containers, "spec.containers", () => true, problems), ...readPorts(spec.initContainers, "spec.initContainers", isSidecar, problems)];
  notes.push(...sharedNames(ports, pod));
  if (spec.hostNetwork === true) {
    // kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
    notes.push(
      `Pod ${pod}: hostNetwork: NetworkPolicy behaviour for host-network pods is undefined; implementations either ignore them when matching podSelector and namespaceSelector or treat their traffic as the node's, so the verdicts shown for it (those of an ordinary pod) may not hold`,
    );
  }
  return ports.map(({ container: _, ...p }) => p);
}

function isSidecar(c: unknown): boolean {
  return isObj(c) && c.restartPolicy === "Always";
}

function readPorts(containers: unknown, field: string, counts: (c: unknown) => boolean, problems: string[]): OwnedPort[] {
  if (containers === undefined || containers === null) return [];
  if (!Array.isArray(containers)) {
    problems.push(`${field}: must be a list`);
    return [];
  }
  const ports: OwnedPort[] = [];
  containers.forEach((c: unknown, ci) => {
    if (!counts(c)) return;
    const list = isObj(c) ? c.ports : undefined;
    const container = isObj(c) && typeof c.name === "string" ? c.name : `${field}[${ci}]`;
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      problems.push(`${field}[${ci}].ports: must be a list`);
      return;
    }
    list.forEach((p: unknown, pi) => {
      const path = `${field}[${ci}].ports[${pi}]`;
      const port = isObj(p) ? p : {};
      const before = problems.length;
      if (!isPortNumber(port.containerPort)) problems.push(`${path}.containerPort: ${JSON.stringify(port.containerPort)} is not a port number 1..65535`);
      const protocol = port.protocol ?? "TCP";
      if (!PROTOCOLS.includes(protocol as Protocol)) problems.push(`${path}.protocol: ${JSON.stringify(protocol)} is not one of ${PROTOCOLS.join(", ")}`);
      const name = port.name;
      const nameIssue = typeof name === "string" ? portNameProblem(name) : name === undefined || name === null ? undefined : "must be a string";
      if (nameIssue) problems.push(`${path}.name: ${nameIssue}`);
      if (problems.length > before) return;
      ports.push({ container, containerPort: port.containerPort as number, protocol: protocol as Protocol, ...(typeof name === "string" ? { name } : {}) });
    });
  });
  return ports;
}

/**
 * The API checks port names for uniqueness within a container only, so two containers may both
 * declare one. A named port then has two numbers: the engine resolves `--port NAME` to the first (as
 * FindPort does) and lets a policy's `port: NAME` match either; an implementation may pick one.
 */
function sharedNames(ports: readonly OwnedPort[], pod: string): string[] {
  const byName = new Map<string, OwnedPort[]>();
  for (const p of ports) {
    if (p.name === undefined) continue;
    const key = `${p.name}/${p.protocol}`;
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  return [...byName]
    .filter(([, list]) => new Set(list.map((p) => p.container)).size > 1)
    .map(([key, list]) => {
      const where = list.map((p) => `${p.container} (${p.containerPort})`).join(", ");
      return `Pod ${pod}: port name ${key} is declared by containers ${where}; --port ${list[0]!.name} resolves to ${list[0]!.containerPort} (the first), and a policy naming it matches any of them, where an implementation may pick one`;
    });
}
