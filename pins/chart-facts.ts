/**
 * What each pinned Helm chart does, read at its pinned tag: the CRDs it ships, the custom resources it
 * renders with the values we give it, and the images it deploys (workshops mirror them). A chart is
 * a black box to the plan otherwise; these facts let a test check every stack's install order (a
 * custom resource needs its CRD installed by an earlier step) without a cluster. Pure data.
 */
import { CALICO_CHART, CALICO_CRDS_CHART, FLANNEL_CHART } from "./versions";

/** A CustomResourceDefinition by what a custom resource names: its group and kind. */
export interface CrdRef {
  group: string;
  kind: string;
  /** metadata.name of the CRD: `<plural>.<group>`. */
  name: string;
}

/** A custom resource a chart renders: what it is and the template it comes from. */
export interface RenderedResource {
  apiVersion: string;
  kind: string;
  name: string;
  template: string;
}

export interface ChartImage {
  /** As the chart (or what it deploys) names it; a chart that pins no digest gets none here. */
  ref: string;
  digest?: string;
  /** Who runs it: a template of the chart, or the operator the chart deploys. */
  deployedBy: string;
  /** How the values choose it: what plan/chart-images.ts sets to run a mapped reference instead. */
  setBy: ChartImageValues;
}

/**
 * How a chart composes an image reference from its values (the template's own expression, read at the
 * chart's tag):
 * - `repository-tag`: `{{ <repository> }}:{{ <tag> }}` at those value paths;
 * - `registry-image-version`: tigera-operator's "tigera-operator.image" helper on the section at `at`:
 *   `[registry without a trailing "/"]/` + `image:version` (templates/_helpers.tpl, v3.32.1);
 * - `installation`: what tigera-operator deploys for the Installation: path.Join(spec.registry,
 *   spec.imagePath, spec.imagePrefix + name) + ":" + version, `registry` and `imagePath` here when
 *   unset (tigera/operator pkg/components/references.go GetReference and images.go, v1.42.3).
 */
export type ChartImageValues =
  | { form: "repository-tag"; repository: readonly string[]; tag: readonly string[] }
  | { form: "registry-image-version"; at: readonly string[] }
  | { form: "installation"; name: string; version: string; registry: string; imagePath: string };

/** The reference a chart image is pinned as: `ref`, with `@digest` when the chart pins one. */
export function chartImageRef(i: ChartImage): string {
  return i.digest ? `${i.ref}@${i.digest}` : i.ref;
}

export interface ChartFacts {
  name: string;
  version: string;
  /** Repository, path and tag the facts were read from. */
  source: string;
  crds: readonly CrdRef[];
  /** The custom resources the chart renders with these values (chart defaults where a value is unset). */
  renders(values: Readonly<Record<string, unknown>>): RenderedResource[];
  images: readonly ChartImage[];
}

const crd = (group: string, kind: string, plural: string): CrdRef => ({ group, kind, name: `${plural}.${group}` });

/** operator.tigera.io/v1: charts/crd.projectcalico.org.v1/templates/operator.tigera.io_*.yaml at v3.32.1. */
const OPERATOR_CRDS: CrdRef[] = [
  crd("operator.tigera.io", "APIServer", "apiservers"),
  crd("operator.tigera.io", "GatewayAPI", "gatewayapis"),
  crd("operator.tigera.io", "Goldmane", "goldmanes"),
  crd("operator.tigera.io", "ImageSet", "imagesets"),
  crd("operator.tigera.io", "Installation", "installations"),
  crd("operator.tigera.io", "Istio", "istios"),
  crd("operator.tigera.io", "ManagementClusterConnection", "managementclusterconnections"),
  crd("operator.tigera.io", "TigeraStatus", "tigerastatuses"),
  crd("operator.tigera.io", "Whisker", "whiskers"),
];

/**
 * crd.projectcalico.org/v1: the chart's templates/calico is a symlink to libcalico-go/config/crd
 * (v3.32.1), which also holds the policy.networking.k8s.io ClusterNetworkPolicy CRD. The canal
 * manifest ships the same set (pins/manifest-facts.ts).
 */
export const CALICO_V1_CRDS: readonly CrdRef[] = [
  ...(
    [
      ["BGPConfiguration", "bgpconfigurations"],
      ["BGPFilter", "bgpfilters"],
      ["BGPPeer", "bgppeers"],
      ["BlockAffinity", "blockaffinities"],
      ["CalicoNodeStatus", "caliconodestatuses"],
      ["ClusterInformation", "clusterinformations"],
      ["FelixConfiguration", "felixconfigurations"],
      ["GlobalNetworkPolicy", "globalnetworkpolicies"],
      ["GlobalNetworkSet", "globalnetworksets"],
      ["HostEndpoint", "hostendpoints"],
      ["IPAMBlock", "ipamblocks"],
      ["IPAMConfig", "ipamconfigs"],
      ["IPAMHandle", "ipamhandles"],
      ["IPPool", "ippools"],
      ["IPReservation", "ipreservations"],
      ["KubeControllersConfiguration", "kubecontrollersconfigurations"],
      ["NetworkPolicy", "networkpolicies"],
      ["NetworkSet", "networksets"],
      ["StagedGlobalNetworkPolicy", "stagedglobalnetworkpolicies"],
      ["StagedKubernetesNetworkPolicy", "stagedkubernetesnetworkpolicies"],
      ["StagedNetworkPolicy", "stagednetworkpolicies"],
      ["Tier", "tiers"],
    ] as const
  ).map(([kind, plural]) => crd("crd.projectcalico.org", kind, plural)),
  crd("policy.networking.k8s.io", "ClusterNetworkPolicy", "clusternetworkpolicies"),
];

/** `<key>.enabled` of the values, else the chart's own default. */
function enabled(values: Readonly<Record<string, unknown>>, key: string, chartDefault: boolean): boolean {
  const section = values[key] as { enabled?: unknown } | undefined;
  return typeof section?.enabled === "boolean" ? section.enabled : chartDefault;
}

const CALICO_IMAGE = (name: string) => `quay.io/calico/${name}:${CALICO_CHART.version}`;

const FACTS: readonly ChartFacts[] = [
  {
    ...FLANNEL_CHART,
    source: "flannel-io/flannel chart/kube-flannel/ (values.yaml, templates/) at v0.28.9",
    // templates/: config.yaml (ConfigMap), daemonset.yaml, rbac.yaml (ClusterRole/Binding),
    // serviceaccount.yaml; no crds/ directory.
    crds: [],
    renders: () => [],
    images: [
      // values.yaml flannel.image and flannel.flannel_cni.image: tags only, the chart pins no digest.
      // templates/daemonset.yaml renders each as `{{ ….repository }}:{{ ….tag }}`. The netpol container
      // (registry.k8s.io/networking/kube-network-policies) renders only with netpol.enabled, false by default.
      {
        ref: "ghcr.io/flannel-io/flannel:v0.28.9",
        deployedBy: "templates/daemonset.yaml (kube-flannel, install-cni)",
        setBy: { form: "repository-tag", repository: ["flannel", "image", "repository"], tag: ["flannel", "image", "tag"] },
      },
      {
        ref: "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3",
        deployedBy: "templates/daemonset.yaml (install-cni-plugin)",
        setBy: { form: "repository-tag", repository: ["flannel", "flannel_cni", "image", "repository"], tag: ["flannel", "flannel_cni", "image", "tag"] },
      },
    ],
  },
  {
    ...CALICO_CRDS_CHART,
    source: "projectcalico/calico charts/crd.projectcalico.org.v1/ at v3.32.1",
    crds: [...OPERATOR_CRDS, ...CALICO_V1_CRDS],
    renders: () => [],
    images: [],
  },
  {
    ...CALICO_CHART,
    source: "projectcalico/calico charts/tigera-operator/ at v3.32.1; operator images from tigera/operator pkg/components/calico.go and images.go at v1.42.3",
    // No crds/ directory from v3.32 (v3.31.x had charts/tigera-operator/crds/).
    crds: [],
    renders: (values) => {
      const template = "templates/crs/custom-resources.yaml";
      const out: RenderedResource[] = [];
      // values.yaml defaults: installation, apiServer, goldmane and whisker enabled; one object "default" each.
      if (enabled(values, "installation", true)) out.push({ apiVersion: "operator.tigera.io/v1", kind: "Installation", name: "default", template });
      if (enabled(values, "apiServer", true)) out.push({ apiVersion: "operator.tigera.io/v1", kind: "APIServer", name: "default", template });
      if (enabled(values, "goldmane", true)) out.push({ apiVersion: "operator.tigera.io/v1", kind: "Goldmane", name: "default", template });
      if (enabled(values, "whisker", true)) out.push({ apiVersion: "operator.tigera.io/v1", kind: "Whisker", name: "default", template });
      // Off by default; with the v1 CRDs installed (no projectcalico.org/v3 CRD) its lookup picks crd.projectcalico.org/v1.
      if (enabled(values, "defaultFelixConfiguration", false)) {
        out.push({ apiVersion: "crd.projectcalico.org/v1", kind: "FelixConfiguration", name: "default", template: "templates/crs/configmap-felixconfiguration-templates.yaml" });
      }
      return out;
    },
    images: [
      // values.yaml tigeraOperator: registry quay.io, image tigera/operator, version v1.42.3 (no digest);
      // the pre-delete hook Job (00-uninstall.yaml) runs the same image.
      {
        ref: "quay.io/tigera/operator:v1.42.3",
        deployedBy: "templates/tigera-operator/02-tigera-operator.yaml",
        setBy: { form: "registry-image-version", at: ["tigeraOperator"] },
      },
      // What the operator deploys for an Installation of variant Calico: registry quay.io/, path calico/
      // (images.go), version v3.32.1 (calico.go). CSI is off (kubeletVolumePluginPath: None in values.yaml);
      // the flexvol init container stays (FlexVolumePath defaults to a path, render/node.go).
      ...["node", "cni", "pod2daemon-flexvol", "typha", "kube-controllers"].map((name) => ({
        ref: CALICO_IMAGE(name),
        deployedBy: "tigera-operator (Installation default)",
        // images.go CalicoRegistry "quay.io/", CalicoImagePath "calico/"; calico.go Version "v3.32.1".
        setBy: { form: "installation" as const, name, version: CALICO_CHART.version, registry: "quay.io/", imagePath: "calico/" },
      })),
    ],
  },
];

/** The facts of a chart at a version; an unknown chart or version is an error naming what is known. */
export function chartFacts(name: string, version: string): ChartFacts {
  const facts = FACTS.find((f) => f.name === name && f.version === version);
  if (!facts) {
    const known = FACTS.map((f) => `${f.name} ${f.version}`).join(", ");
    throw new Error(`no chart facts for ${name} ${version} (known: ${known}); read the chart at that tag and add them to pins/chart-facts.ts`);
  }
  return facts;
}

export const CHART_FACTS: readonly ChartFacts[] = FACTS;
