import type { ManifestPin } from "../pins/versions";
import type { KubeProxyMode } from "./types";

/**
 * The CNI install as data: Kubernetes objects to apply, an optional Helm release, and what readiness
 * means for this backend. Components only register what this says.
 */

/** A Kubernetes object as the API takes it; builders elsewhere give it a precise type. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface HelmRelease {
  releaseName: string;
  namespace: string;
  chart: string;
  version: string;
  repo: string;
  /** A folder holding this chart at this version, installed instead of fetching it from `repo` (`cnilab:chartDirs`). */
  localDir?: string;
  values: Record<string, unknown>;
  /**
   * Helm waits until what the release created is ready before the next step starts; a CRD counts as
   * ready once Established (helm/helm pkg/kube/ready.go crdReady, Helm v3). Off where the readiness
   * Job judges instead, with a message that says what is missing.
   */
  wait: boolean;
}

export interface Readiness {
  /** DaemonSets that must be rolled out on every node. */
  daemonSets: readonly { namespace: string; name: string }[];
  /** TigeraStatus objects that must report condition Available (calico's operator). */
  tigeraStatus: readonly string[];
}

/**
 * An upstream manifest applied as published (fetched at `up`, checked against its sha256), with the
 * keys of its settings ConfigMap the plan sets and the image each of its `image:` fields runs.
 */
export interface ManifestInstall {
  pin: ManifestPin;
  /** Keys of the manifest's settings ConfigMap (pins/manifest-facts.ts `config`) → the value set over the file's. */
  settings: Readonly<Record<string, string>>;
  /** Each image as the file names it → the reference run: its digest pin, then `cnilab:imageMap`. */
  images: Readonly<Record<string, string>>;
}

export interface CniInstall {
  /** Applied before the Helm releases (namespaces with their Pod Security labels, prerequisites). */
  objects: readonly K8sObject[];
  /** Upstream manifests, applied after `objects` and before the Helm releases; absent where there is none. */
  manifests?: readonly ManifestInstall[];
  /** Helm releases in install order, each after the previous one finished (CRDs before what uses them). */
  charts: readonly HelmRelease[];
  /**
   * Server-side apply patches to objects a release created, applied after the releases: what a chart
   * needs and none of its values can set (flannel's udp backend: /dev/net/tun for flanneld).
   */
  patches?: readonly K8sObject[];
  /** Node name → pod range, where the CNI itself fixes each node's range; absent where the cluster decides. */
  podRanges?: Readonly<Record<string, string>>;
  readiness: Readiness;
}

export type NodeRole = "control-plane" | "worker";

/**
 * A kind node as the plan knows it before the cluster exists: kind names nodes predictably. Its pod
 * range is not known: kube-controller-manager gives each node a /24 of the pod subnet as it registers,
 * and kind joins workers concurrently (kind v0.30.0 pkg/cluster/internal/create/actions/kubeadmjoin/
 * join.go, joinWorkers), so which worker gets which /24 is decided at run time.
 */
export interface PlannedNode {
  name: string;
  role: NodeRole;
}

export interface InstallContext {
  clusterName: string;
  podSubnet: string;
  serviceSubnet: string;
  kubeProxyMode: KubeProxyMode;
  /** The lab's Docker network subnet, where the nodes' eth0 addresses live. */
  nodeSubnet: string;
  nodes: readonly PlannedNode[];
}
