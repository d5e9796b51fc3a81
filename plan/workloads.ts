import type { K8sObject } from "../backends";
import type { Lab, Workload } from "../labs";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec" with { "resolution-mode": "import" };
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment" with { "resolution-mode": "import" };
import type { IReplicationController } from "kubernetes-models/v1/ReplicationController" with { "resolution-mode": "import" };
import type { IService } from "kubernetes-models/v1/Service" with { "resolution-mode": "import" };
import { resolveImage } from "../pins";

/** Kubernetes objects of a lab's namespaces, workloads and Services, as plain data. */

export function planNamespaces(lab: Lab): K8sObject[] {
  return lab.namespaces.map((ns) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: ns.name, ...(ns.labels ? { labels: ns.labels } : {}) },
  }));
}

function podTemplate(w: Workload): IPodTemplateSpec {
  return {
    metadata: { labels: w.labels },
    spec: {
      containers: w.containers.map((c) => ({
        name: c.name,
        image: resolveImage(c.image),
        ...(c.args ? { args: c.args } : {}),
        ...(c.env ? { env: Object.entries(c.env).map(([name, value]) => ({ name, value })) } : {}),
        ports: c.ports.map((p) => ({
          ...(p.name ? { name: p.name } : {}),
          containerPort: p.containerPort,
          protocol: p.protocol,
          ...(p.hostPort ? { hostPort: p.hostPort } : {}),
        })),
      })),
    },
  };
}

export function planWorkload(w: Workload): K8sObject[] {
  const metadata = { name: w.name, namespace: w.namespace, labels: w.labels };
  const controller =
    w.kind === "ReplicationController"
      ? // A ReplicationController's selector is a plain label map (seed 002's frontend).
        ({ apiVersion: "v1", kind: "ReplicationController", metadata, spec: { replicas: w.replicas, selector: w.labels, template: podTemplate(w) } } satisfies IReplicationController)
      : ({ apiVersion: "apps/v1", kind: "Deployment", metadata, spec: { replicas: w.replicas, selector: { matchLabels: w.labels }, template: podTemplate(w) } } satisfies IDeployment);
  if (!w.service) return [controller as K8sObject];
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: {
      type: w.service.type,
      selector: w.labels,
      ports: w.service.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        protocol: p.protocol,
        ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
        ...(p.nodePort ? { nodePort: p.nodePort } : {}),
      })),
    },
  } satisfies IService;
  return [controller as K8sObject, service as K8sObject];
}

export function planWorkloads(lab: Lab): K8sObject[] {
  return lab.workloads.flatMap(planWorkload);
}

/** The policies of the chosen scenarios, each with its namespace made explicit. */
export function planPolicies(lab: Lab): K8sObject[] {
  return lab.scenarios.flatMap((s) =>
    s.policies.map((p) => ({ ...p, metadata: { ...p.metadata, namespace: p.metadata.namespace ?? "default" } }) as K8sObject),
  );
}
