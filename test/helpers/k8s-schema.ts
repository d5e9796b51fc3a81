import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ReplicationController } from "kubernetes-models/v1/ReplicationController";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { K8sObject } from "../../backends";

/**
 * Every Kubernetes object a plan produces validates against the Kubernetes OpenAPI schema, through the
 * maintained `kubernetes-models` package (generated from the upstream OpenAPI; v5.1 has the 1.34 APIs).
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Service": Service,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/ReplicationController": ReplicationController,
  "apps/v1/DaemonSet": DaemonSet,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

/** Schema errors of one object, as "Kind/name/path: message" lines; [] when it is valid. */
export function schemaErrors(obj: K8sObject): string[] {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) return [`no schema model for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    return errors ? errors.map((e) => `${obj.kind}/${obj.metadata.name}${e.instancePath}: ${e.message}`) : [String(err)];
  }
}

