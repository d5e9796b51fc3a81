/**
 * An upstream manifest as `up` applies it. The plan knows it from its facts alone (every object it
 * holds, pins/manifest-facts.ts), so `plan` lists and counts what `up` registers without fetching it;
 * `up` parses the fetched file (host/manifests.ts checked its sha256), holds it to those facts, sets
 * the planned keys of its settings ConfigMap and replaces its images. Anything that differs from the
 * facts is an error naming each difference, never a silent apply. Pure.
 */
import { parseAllDocuments } from "yaml";
import type { CniInstall, K8sObject, ManifestInstall } from "../backends";
import { imagesIn, mapImagesIn } from "../pins/image-map";
import { manifestFacts, type ManifestObject } from "../pins/manifest-facts";

const objectRef = (o: ManifestObject): K8sObject => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) } });
const key = (o: Pick<K8sObject, "apiVersion" | "kind" | "metadata">) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

/** The objects of a planned manifest as its facts list them: kind and name only, what the resource list needs. */
export function manifestObjectRefs(m: ManifestInstall): K8sObject[] {
  return manifestFacts(m.pin).objects.map(objectRef);
}

/** Every manifest object a CNI install applies, by reference, in the order the manifests come. */
export function cniManifestObjectRefs(cni: Pick<CniInstall, "manifests">): K8sObject[] {
  return (cni.manifests ?? []).flatMap(manifestObjectRefs);
}

/** The manifest's objects as applied; throws listing every way the file differs from its facts. */
export function renderManifest(text: string, m: ManifestInstall): K8sObject[] {
  const facts = manifestFacts(m.pin);
  const what = `${m.pin.name} ${m.pin.version} (${m.pin.url})`;
  const problems: string[] = [];
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${what}: not YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    objects.push(value as K8sObject);
  }
  const found = new Set(objects.map(key));
  const expected = new Set(facts.objects.map(objectRef).map(key));
  for (const k of expected) if (!found.has(k)) problems.push(`holds no ${k}, which pins/manifest-facts.ts lists`);
  for (const k of found) if (!expected.has(k)) problems.push(`holds ${k}, which pins/manifest-facts.ts does not list`);

  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === facts.config.name && o.metadata.namespace === facts.config.namespace);
  const data = (cm?.data ?? {}) as Record<string, string>;
  for (const k of Object.keys(m.settings)) if (cm && !Object.hasOwn(data, k)) problems.push(`ConfigMap ${facts.config.namespace}/${facts.config.name} has no key '${k}' to set`);

  const named = imagesIn(objects);
  for (const image of facts.images) {
    const n = named.filter((r) => r === image.ref).length;
    if (n !== image.occurrences) problems.push(`names ${image.ref} ${n} times, pins/manifest-facts.ts says ${image.occurrences}`);
  }
  for (const ref of new Set(named)) if (!Object.hasOwn(m.images, ref)) problems.push(`names image ${ref}, which the plan does not pin`);
  if (problems.length > 0) throw new Error(`${what} does not match its facts:\n  ${problems.join("\n  ")}`);

  const settled = objects.map((o) => (o === cm ? { ...o, data: { ...data, ...m.settings } } : o));
  return mapImagesIn(settled, m.images);
}
