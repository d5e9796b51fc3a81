import type { K8sObject, PlannedNode } from "../backends";
import { expectOnPath } from "../backends/paths";
import type { BackendFacts } from "../backends/types";
import type { LabCheck, Lab } from "../labs";
import { IMAGES } from "../pins";
import { HEALTH_CLIENT } from "./health";
import { checkBasis, checkClient, checkNodes, type CheckNodes, type CheckPart } from "./check-pods";
import { planStorageCheck, storageCheckObjects } from "./storage-checks";

/**
 * A lab's checks (labs/schema.ts CHECK_KINDS): facts about pods, Services and volumes, each planned as
 * probes of the one assertion core with the outcome Kubernetes' own rules predict and why. The pods
 * they probe from are assertion Jobs whose pod holds what the check needs beside the probe (a server
 * container, a volume); what must happen before (a Job writing on a node, a claim) is registered with
 * the lab's workloads, which Pulumi awaits before any probe runs.
 */

/** localhost: the port of the server container's 127.0.0.1 listener. */
export const LOCALHOST_PORT = 8080;

/** Every check's clients and probes. */
export function planCheckProbes(lab: Lab, nodes: readonly PlannedNode[], serviceSubnet: string, backend: BackendFacts): CheckPart {
  const at = checkNodes(nodes);
  const parts = lab.checks.map((c): CheckPart => {
    switch (c.kind) {
      case "localhost":
        return planLocalhost(c, at);
      case "service":
        return planService(c, lab, serviceSubnet, backend);
      default:
        return planStorageCheck(c, at);
    }
  });
  return { clients: parts.flatMap((p) => p.clients), probes: parts.flatMap((p) => p.probes), skipped: parts.flatMap((p) => p.skipped) };
}

/** What the checks need to exist, and to have finished, before their probes run: writer Jobs and claims. */
export function planCheckObjects(lab: Lab, nodes: readonly PlannedNode[]): K8sObject[] {
  return storageCheckObjects(lab.checks, checkNodes(nodes));
}

/**
 * Seed 002's lesson: every container of a pod joins the network namespace its sandbox (the pause
 * container) holds, so they share one loopback; another pod, even on the same node, has its own.
 */
function planLocalhost(c: LabCheck, at: CheckNodes): CheckPart {
  const port = c.port ?? LOCALHOST_PORT;
  // A native sidecar (an init container with restartPolicy Always, on by default since Kubernetes
  // 1.29): started before the probe, shut down once the probe (the pod's only regular container) has
  // exited, so the Job completes (core/v1 Container.restartPolicy's API doc, @pulumi/kubernetes 4.34.2
  // types/input.d.ts; kubernetes.io/docs/concepts/workloads/pods/sidecar-containers).
  const server = {
    name: "server",
    image: IMAGES.busybox,
    restartPolicy: "Always",
    // busybox httpd bound to the loopback address only (-p [IP:]PORT), in the foreground (-f).
    command: ["httpd", "-f", "-p", `127.0.0.1:${port}`, "-h", "/"],
  };
  const same = checkClient("localhost-same-pod", at.a, { initContainers: [server], volumes: [], volumeMounts: [] });
  const other = checkClient("localhost-other-pod", at.a);
  const common = { group: "localhost", port, protocol: "tcp" as const, target: { kind: "address" as const, address: "127.0.0.1" }, basis: checkBasis("localhost") };
  return {
    clients: [same, other],
    probes: [
      {
        ...common,
        id: "localhost/same-pod",
        client: same.name,
        toLabel: "127.0.0.1, server container of the same pod",
        expect: "connected",
        why: `the probe and the server are two containers of one pod: both joined the network namespace the pod's sandbox (pause container) holds, so the server's listener on 127.0.0.1:${port} is on the probe's own loopback`,
      },
      {
        ...common,
        id: "localhost/other-pod",
        client: other.name,
        toLabel: "127.0.0.1, from another pod on the same node",
        expect: "refused",
        why: `another pod has another network namespace with a loopback of its own, where nothing listens on ${port}: 127.0.0.1 never leaves a namespace, so the server of localhost-same-pod cannot be reached this way even from the same node`,
      },
    ],
    skipped: [],
  };
}

/** A workload's Service by its ClusterIP and by its DNS name; both addresses must lie in the service subnet. */
function planService(c: LabCheck, lab: Lab, serviceSubnet: string, backend: BackendFacts): CheckPart {
  // The lab loader checked that the workload exists and has a Service.
  const w = lab.workloads.find((x) => x.name === c.workload)!;
  const port = w.service!.ports.find((p) => p.protocol === "TCP");
  const id = `service/${w.name}`;
  if (!port) return { clients: [], probes: [], skipped: [{ id, group: "service", reason: `Service ${w.namespace}/${w.name} has no TCP port to probe` }] };
  const host = `${w.name}.${w.namespace}.svc.cluster.local`;
  // kind hands networking.serviceSubnet to kube-apiserver as --service-cluster-ip-range, the only
  // range it allocates ClusterIPs from; `within` makes an address outside it an error.
  const range = `kube-apiserver allocates every ClusterIP from the service subnet ${serviceSubnet}, which no pod or node address is in`;
  const byIp = expectOnPath(backend, "pod-service");
  const byName = expectOnPath(backend, "pod-service-name");
  const common = { group: "service", client: HEALTH_CLIENT, port: port.port, protocol: "tcp" as const, within: serviceSubnet, basis: checkBasis("service") };
  return {
    clients: [],
    probes: [
      {
        ...common,
        id: `${id}-clusterip`,
        toLabel: `ClusterIP of ${w.namespace}/${w.name}`,
        target: { kind: "service-ip", namespace: w.namespace, service: w.name },
        expect: byIp.expect,
        why: byIp.limitation ? byIp.why : `${range}; kube-proxy on the client's node forwards the ClusterIP to a ${w.name} pod`,
        ...(byIp.limitation ? { basis: { kind: "limitation", limitation: byIp.limitation.id } } : {}),
      },
      {
        ...common,
        id: `${id}-dns`,
        toLabel: `${w.name}.${w.namespace}.svc`,
        target: { kind: "service-name", host },
        expect: byName.expect,
        why: byName.limitation ? byName.why : `cluster DNS answers ${host} with the Service's ClusterIP (${range}), which kube-proxy forwards to a ${w.name} pod`,
        ...(byName.limitation ? { basis: { kind: "limitation", limitation: byName.limitation.id } } : {}),
      },
    ],
    skipped: [],
  };
}
