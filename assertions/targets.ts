import type { IClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole" with { "resolution-mode": "import" };
import type { IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding" with { "resolution-mode": "import" };
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap" with { "resolution-mode": "import" };
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount" with { "resolution-mode": "import" };
import type { IJob } from "kubernetes-models/batch/v1/Job" with { "resolution-mode": "import" };
import { jobAwaitAnnotations } from "./job-await";
import type { ResolveRequest } from "../probe/resolve";
import { IMAGES } from "../pins";
import { mapImagesIn, type ImageMap } from "../pins/image-map";
import { HEALTH_NAMESPACE } from "./health";
import type { ProbedService } from "./index";
import { contentHash, PROBE_HASH_ANNOTATION } from "./hash";

/**
 * The probe targets' resolver (probe/resolve.ts) as Kubernetes objects: a Job in the health namespace
 * (no lab policy selects it) whose ServiceAccount may list EndpointSlices and write the targets
 * ConfigMap that every assertion Job mounts. Pulumi awaits it before the assertion Jobs start; no
 * Pulumi read of the cluster is needed, so a preview touches nothing (the Endpoints API, deprecated
 * since Kubernetes 1.33, is not used).
 */
/** Outside JOB_PREFIX (assertions/jobs.ts), so no client's Job or ConfigMap can take this name. */
export const TARGETS_NAME = "cnilab-targets";
/**
 * The ConfigMap the resolver writes into each client namespace and the probe Jobs mount. Not
 * TARGETS_NAME: the health clients run in the resolver's own namespace, so a shared name made the
 * resolver overwrite its own ConfigMap (probe.js gone) and a second run of its Job failed
 * ("Cannot find module '/cnilab/probe.js'", seen when `cnilab migrate` re-ran the probes).
 */
export const RESOLVED_TARGETS_NAME = "cnilab-resolved-targets";
/** The file in the targets ConfigMap, as the assertion Jobs mount it. */
export const TARGETS_FILE = "targets.json";
/** How long the resolver waits for the probed workloads' endpoints to become ready. */
export const TARGETS_WAIT_SECONDS = 180;
/** Beyond the wait: image pull and scheduling. */
const STARTUP_ALLOWANCE_SECONDS = 180;
const LABELS = { "app.kubernetes.io/name": TARGETS_NAME, "app.kubernetes.io/part-of": "cnilab" };

type Named<T> = T & { metadata: { name: string } };

export interface TargetResolverObjects {
  serviceAccount: Named<IServiceAccount>;
  clusterRole: Named<IClusterRole>;
  clusterRoleBinding: Named<IClusterRoleBinding>;
  configMap: Named<IConfigMap>;
  job: Named<IJob>;
}

/** `namespaces`: where assertion Jobs run, each of which gets the targets ConfigMap. Images through the stack's map. */
export function planTargetResolver(services: readonly ProbedService[], namespaces: readonly string[], probeBundle: string, imageMap: ImageMap): TargetResolverObjects {
  const meta = { name: TARGETS_NAME, namespace: HEALTH_NAMESPACE, labels: LABELS };
  const request: ResolveRequest = { services: [...services], namespaces: [...new Set(namespaces)].sort(), configMap: RESOLVED_TARGETS_NAME, waitSeconds: TARGETS_WAIT_SECONDS };
  const requestJson = JSON.stringify(request, null, 1);
  const bound = TARGETS_WAIT_SECONDS + STARTUP_ALLOWANCE_SECONDS;
  return mapImagesIn<TargetResolverObjects>({
    serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta },
    clusterRole: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: TARGETS_NAME, labels: LABELS },
      rules: [
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list"] },
        // create, or replace the one an earlier run wrote (a Role per namespace would double the objects of a throwaway cluster).
        { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "update"] },
      ],
    },
    clusterRoleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: TARGETS_NAME, labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: TARGETS_NAME },
      subjects: [{ kind: "ServiceAccount", name: TARGETS_NAME, namespace: HEALTH_NAMESPACE }],
    },
    configMap: { apiVersion: "v1", kind: "ConfigMap", metadata: meta, data: { "probe.js": probeBundle, "request.json": requestJson } },
    job: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { ...meta, annotations: jobAwaitAnnotations(bound) },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: bound,
        template: {
          // A new program or request re-runs the resolver, so the targets are rewritten with the probes.
          metadata: { labels: LABELS, annotations: { [PROBE_HASH_ANNOTATION]: contentHash(probeBundle), "cnilab.io/request-sha256": contentHash(requestJson) } },
          spec: {
            serviceAccountName: TARGETS_NAME,
            // It talks only to the API server, so it runs in the node's namespace, as the readiness Job
            // does: on macvlan and ipvlan a pod has no route to the API server's ClusterIP (the
            // pod-to-clusterip limitation, backends/multiplex.ts). Seen for real on the local suite's
            // macvlan stack (2026-11-30): "connect ENETUNREACH 10.96.0.1:443" from a pod-network resolver.
            hostNetwork: true,
            restartPolicy: "Never",
            containers: [
              {
                name: "resolve",
                image: IMAGES.node,
                command: ["node", "/cnilab/probe.js", "resolve", "--request", "/cnilab/request.json"],
                volumeMounts: [{ name: "probe", mountPath: "/cnilab", readOnly: true }],
              },
            ],
            volumes: [{ name: "probe", configMap: { name: TARGETS_NAME } }],
          },
        },
      },
    },
  }, imageMap);
}
