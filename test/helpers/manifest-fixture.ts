/**
 * A stand-in for a pinned upstream manifest, written from its facts (pins/manifest-facts.ts), never
 * from the file: every object it lists with a minimal body, the settings ConfigMap with the values the
 * facts record, and one container per image occurrence. Tests apply it where `up` would apply the
 * fetched file; `mutate` makes it differ from the facts.
 */
import { stringify } from "yaml";
import { manifestFacts, type ManifestFacts } from "../../pins/manifest-facts";
import type { ManifestPin } from "../../pins/versions";

type Doc = Record<string, any>;

export function manifestFixtureDocs(facts: ManifestFacts): Doc[] {
  const containers = new Map<string, { name: string; image: string }[]>();
  for (const image of facts.images) {
    for (const c of image.containers) {
      const [workload, name] = c.split("/") as [string, string];
      containers.set(workload, [...(containers.get(workload) ?? []), { name, image: image.ref }]);
    }
  }
  return facts.objects.map((o) => {
    const doc: Doc = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) } };
    if (o.kind === "CustomResourceDefinition") {
      // The resource classes require a CRD's spec and a binding's roleRef.
      const [plural, ...group] = o.name.split(".");
      doc.spec = { group: group.join("."), names: { plural }, scope: "Cluster", versions: [] };
    }
    if (o.kind === "ClusterRoleBinding") doc.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: o.name };
    if (o.kind === "ConfigMap" && o.name === facts.config.name) doc.data = { ...facts.config.values, cni_network_config: "{}" };
    if (o.kind === "DaemonSet" || o.kind === "Deployment") {
      const [init, main] = [0, 1].map((i) => (containers.get(o.name) ?? []).filter((c) => (i === 0) === /install|bootstrap/.test(c.name)));
      doc.spec = { template: { spec: { initContainers: init, containers: main } } };
    }
    return doc;
  });
}

/** The fixture as a multi-document YAML file (with an empty document, as generated manifests have). */
export function manifestFixtureText(pin: Pick<ManifestPin, "name" | "version">, mutate: (docs: Doc[]) => Doc[] = (d) => d): string {
  return ["", ...mutate(manifestFixtureDocs(manifestFacts(pin))).map((d) => stringify(d))].join("---\n");
}

/** What labProgram takes to read a manifest: the fixture for any pinned one. */
export const fixtureManifests = async (pin: ManifestPin): Promise<string> => manifestFixtureText(pin);
