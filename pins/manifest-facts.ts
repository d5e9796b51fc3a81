/**
 * What a pinned upstream manifest holds, read at its tag: every object in it (so the plan lists what
 * `up` registers before the file is fetched, and a fetched file is held to that list), the images its
 * containers name and how often (the rewrite to a digest fails closed on any other count), the
 * ConfigMap keys a plan may set with their upstream values, and the probe settings that decide how
 * long its agent takes to become ready. Pure data; the manifest itself is never committed.
 */
import { CALICO_V1_CRDS, type CrdRef } from "./chart-facts";
import { CANAL_MANIFEST, type ManifestPin } from "./versions";

/** One object of the manifest, by what addresses it. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ManifestImage {
  /** As the manifest's `image:` fields name it. */
  ref: string;
  /** How many container and init-container `image` fields name it. */
  occurrences: number;
  /** `<workload>/<container>` for each occurrence. */
  containers: readonly string[];
  /** The multi-platform digest it is run by, when a public source pins one; none: run by tag, as the manifest names it. */
  digest?: string;
  /** Where the digest comes from (not re-resolved: no registry is reachable), or why there is none. */
  digestFrom: string;
}

/** A container's probe as the manifest sets it (Kubernetes defaults where the manifest sets none: failureThreshold 3). */
export interface ProbeSettings {
  initialDelaySeconds: number;
  periodSeconds: number;
  failureThreshold: number;
}

export interface ManifestFacts {
  pin: ManifestPin;
  /** Repository, path and tag the facts were read from. */
  source: string;
  objects: readonly ManifestObject[];
  /** The CRDs among `objects`, by what a custom resource names (the manifest itself holds no custom resource). */
  crds: readonly CrdRef[];
  images: readonly ManifestImage[];
  /** The ConfigMap that holds the install's settings: its keys (the CNI config template aside) and their values in the file. */
  config: { namespace: string; name: string; values: Readonly<Record<string, string>> };
  /** The DaemonSet whose rollout means the CNI is up on every node, and its agent container's probes. */
  agent: { namespace: string; name: string; container: string; readiness: ProbeSettings; liveness: ProbeSettings };
}

const ns = "kube-system";
const o = (apiVersion: string, kind: string, name: string, namespace?: string): ManifestObject => ({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) });
const rbac = "rbac.authorization.k8s.io/v1";
const CALICO = (name: string) => `quay.io/calico/${name}:${CANAL_MANIFEST.version}`;
/** A public CI design that applies calico v3.32.1's manifests with their images rewritten to these digests (code index: 'calico/node:v3.32.1@sha256'). */
const CALICO_DIGESTS_FROM = "a public CI design rewriting calico v3.32.1 manifest images to multi-architecture digests (code index: 'calico/node:v3.32.1@sha256')";

/**
 * projectcalico/calico manifests/canal.yaml at v3.32.1 (templates: charts/calico/templates/
 * calico-node.yaml, calico-config.yaml, kdd-crds.yaml, calico-kube-controllers*.yaml, with
 * charts/values/canal.yaml: datastore kubernetes, network flannel, ipam host-local).
 */
export const CANAL_MANIFEST_FACTS: ManifestFacts = {
  pin: CANAL_MANIFEST,
  source: "projectcalico/calico manifests/canal.yaml at v3.32.1",
  // kdd-crds.yaml renders charts/calico/crds, the same libcalico-go/config/crd set as the CRDs chart.
  crds: CALICO_V1_CRDS,
  objects: [
    o("policy/v1", "PodDisruptionBudget", "calico-kube-controllers", ns),
    o("v1", "ServiceAccount", "calico-kube-controllers", ns),
    o("v1", "ServiceAccount", "canal", ns),
    o("v1", "ServiceAccount", "calico-cni-plugin", ns),
    o("v1", "ConfigMap", "canal-config", ns),
    ...CALICO_V1_CRDS.map((c) => o("apiextensions.k8s.io/v1", "CustomResourceDefinition", c.name)),
    ...["calico-kube-controllers", "calico-node", "calico-cni-plugin", "flannel", "calico-tier-getter"].map((n) => o(rbac, "ClusterRole", n)),
    ...["calico-kube-controllers", "canal-flannel", "canal-calico", "calico-cni-plugin", "calico-tier-getter"].map((n) => o(rbac, "ClusterRoleBinding", n)),
    o("apps/v1", "DaemonSet", "canal", ns),
    o("apps/v1", "Deployment", "calico-kube-controllers", ns),
  ],
  images: [
    {
      ref: CALICO("cni"),
      occurrences: 1,
      // Runs /opt/cni/bin/install: copies calico, calico-ipam and host-local, portmap, loopback, tuning
      // (cni-plugin/Makefile CN_FILES) into /opt/cni/bin and writes 10-canal.conflist.
      containers: ["canal/install-cni"],
      digest: "sha256:bb1567e3ed81e2e8414e9a68f186e1f7ffd4067a4871a9ae90896793af0190dd",
      digestFrom: CALICO_DIGESTS_FROM,
    },
    {
      ref: CALICO("node"),
      occurrences: 2,
      containers: ["canal/ebpf-bootstrap", "canal/calico-node"],
      digest: "sha256:7f874b3f0b540c2b523aea9961ef5e2f43b0af9056a47874c916d6cf348168d3",
      digestFrom: CALICO_DIGESTS_FROM,
    },
    {
      // charts/calico/values.yaml flannel.image and tag at v3.32.1.
      ref: "docker.io/flannel/flannel:v0.24.4",
      occurrences: 1,
      containers: ["canal/kube-flannel"],
      digestFrom: "none found in public material reachable here: run by the tag the manifest names",
    },
    {
      ref: CALICO("kube-controllers"),
      occurrences: 1,
      containers: ["calico-kube-controllers/calico-kube-controllers"],
      digest: "sha256:18008f781c869376dbbc4dfb1ffe3afb46f7897887d4f20e080c420ac44a6612",
      digestFrom: CALICO_DIGESTS_FROM,
    },
  ],
  config: {
    namespace: ns,
    name: "canal-config",
    values: {
      typha_service_name: "none",
      // Empty: flanneld (FLANNELD_IFACE) takes the interface of the default route.
      canal_iface: "",
      masquerade: "true",
      // 0: calico's CNI plugin uses the MTU felix writes to /var/lib/calico/mtu.
      veth_mtu: "0",
      "net-conf.json": '{\n  "Network": "10.244.0.0/16",\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n',
    },
  },
  agent: {
    namespace: ns,
    name: "canal",
    container: "calico-node",
    // readinessProbe: httpGet localhost:9099/readiness, period 10 s, no initial delay.
    readiness: { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 },
    // livenessProbe: calico-node -felix-live, initial delay 10 s, period 10 s, 6 failures.
    liveness: { initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 6 },
  },
};

const FACTS: readonly ManifestFacts[] = [CANAL_MANIFEST_FACTS];

/** The facts of a pinned manifest; an unknown one is an error naming what is known. */
export function manifestFacts(pin: Pick<ManifestPin, "name" | "version">): ManifestFacts {
  const facts = FACTS.find((f) => f.pin.name === pin.name && f.pin.version === pin.version);
  if (!facts) {
    throw new Error(`no manifest facts for ${pin.name} ${pin.version} (known: ${FACTS.map((f) => `${f.pin.name} ${f.pin.version}`).join(", ")}); read it at that tag and add them to pins/manifest-facts.ts`);
  }
  return facts;
}

/** The reference an image of the manifest is run by: with its digest when one is pinned. */
export function manifestImageRef(i: ManifestImage): string {
  return i.digest ? `${i.ref}@${i.digest}` : i.ref;
}
