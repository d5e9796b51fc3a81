/**
 * Chart values that make a chart run mapped images. A chart composes each image from its values
 * (pins/chart-facts.ts `setBy`); this module inverts that for a mapped reference, and says what a
 * chart cannot express (a digest-only reference where the template writes `repository:tag`, say).
 */
import type { HelmRelease } from "../backends";
import { chartFacts, chartImageRef, type ChartImage } from "../pins/chart-facts";
import { mapImage, type ImageMap } from "../pins/image-map";
import { parseImageRef, type ImageRef } from "../pins/image-ref";

type Values = Record<string, unknown>;

function get(values: Readonly<Values>, path: readonly string[]): unknown {
  let v: unknown = values;
  for (const k of path) v = v && typeof v === "object" ? (v as Values)[k] : undefined;
  return v;
}

function set(values: Values, path: readonly string[], value: unknown): void {
  let v = values;
  for (const k of path.slice(0, -1)) v = (v[k] ??= {}) as Values;
  v[path[path.length - 1]!] = value;
}

/** `b` merged into a copy of `a`, objects key by key, anything else replaced. */
function mergeValues(a: Readonly<Values>, b: Readonly<Values>): Values {
  const out: Values = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    const both = [old, v].every((x) => x && typeof x === "object" && !Array.isArray(x));
    out[k] = both ? mergeValues(old as Values, v as Values) : v;
  }
  return out;
}

const str = (v: unknown, fallback: string): string => (typeof v === "string" && v !== "" ? v : fallback);
/** The tag part of a template's `name:tag`: a tag, with the digest after it when there is one. */
const tagOf = (r: ImageRef): string | undefined => (r.tag === undefined ? undefined : r.digest ? `${r.tag}@${r.digest}` : r.tag);
/** Go's path.Join for the parts the operator joins (no "..", no leading "/"). */
const join = (...parts: string[]): string => parts.flatMap((p) => p.split("/")).filter((p) => p !== "" && p !== ".").join("/");

/** The reference the chart (or its operator) renders for `image` with these values; chart defaults where unset. */
export function renderedImage(image: ChartImage, values: Readonly<Values>): string {
  const pinned = parseImageRef(chartImageRef(image)) as ImageRef;
  const s = image.setBy;
  switch (s.form) {
    case "repository-tag":
      return `${str(get(values, s.repository), pinned.name)}:${str(get(values, s.tag), tagOf(pinned)!)}`;
    case "registry-image-version": {
      const [registry, ...path] = pinned.name.split("/");
      const registryValue = get(values, [...s.at, "registry"]);
      const reg = typeof registryValue === "string" ? registryValue : registry!;
      const prefix = reg === "" ? "" : `${reg.replace(/\/$/, "")}/`;
      return `${prefix}${str(get(values, [...s.at, "image"]), path.join("/"))}:${str(get(values, [...s.at, "version"]), tagOf(pinned)!)}`;
    }
    case "installation": {
      const registry = str(get(values, ["installation", "registry"]), s.registry);
      const imagePath = str(get(values, ["installation", "imagePath"]), s.imagePath);
      const prefix = str(get(values, ["installation", "imagePrefix"]), "");
      return `${join(registry, imagePath, `${prefix}${s.name}`)}:${s.version}`;
    }
  }
}

/** The values one mapped image needs, or why the chart cannot run that reference. */
function valuesFor(image: ChartImage, run: string): Values | string {
  const r = parseImageRef(run);
  if (typeof r === "string") return r;
  const s = image.setBy;
  const out: Values = {};
  const tag = tagOf(r);
  switch (s.form) {
    case "repository-tag":
    case "registry-image-version":
      if (tag === undefined) return `the chart renders <name>:<tag> (${image.deployedBy}); give '${run}' a tag (tag@digest pins it too)`;
      if (s.form === "repository-tag") {
        set(out, s.repository, r.name);
        set(out, s.tag, tag);
      } else {
        // An empty registry makes the helper print `image:version` alone: the whole name goes in `image`.
        set(out, s.at, { registry: "", image: r.name, version: tag });
      }
      return out;
    case "installation": {
      const parts = r.name.split("/");
      const last = parts.pop()!;
      if (r.digest !== undefined || r.tag !== s.version || parts.length < 2 || !last.endsWith(s.name)) {
        return `the operator composes <registry>/<path>/<prefix>${s.name}:${s.version} (Installation registry, imagePath, imagePrefix); '${run}' is not of that form`;
      }
      return { installation: { registry: parts[0], imagePath: parts.slice(1).join("/"), imagePrefix: last.slice(0, -s.name.length) } };
    }
  }
}

/** A release's values with its images set from the map; problems name the image and the reason. */
export function withMappedImages(release: HelmRelease, map: ImageMap): { release: HelmRelease; problems: { pinned: string; message: string }[] } {
  let values: Values = release.values;
  const problems: { pinned: string; message: string }[] = [];
  let installation: { from: string; values: Values } | undefined;
  for (const image of chartFacts(release.chart, release.version).images) {
    const pinned = chartImageRef(image);
    const run = mapImage(map, pinned);
    if (run === pinned) continue;
    const v = valuesFor(image, run);
    if (typeof v === "string") {
      problems.push({ pinned, message: v });
      continue;
    }
    if (image.setBy.form === "installation") {
      // One registry/path/prefix serves every image the operator deploys.
      if (installation && JSON.stringify(installation.values) !== JSON.stringify(v)) {
        problems.push({ pinned, message: `the operator takes one registry, path and prefix for all its images; '${run}' differs from what '${installation.from}' maps to` });
        continue;
      }
      installation ??= { from: pinned, values: v };
    }
    values = mergeValues(values, v);
  }
  if (installation) {
    const operatorImages = chartFacts(release.chart, release.version).images.filter((i) => i.setBy.form === "installation").map(chartImageRef);
    const unmapped = operatorImages.filter((ref) => mapImage(map, ref) === ref);
    if (unmapped.length > 0) problems.push({ pinned: installation.from, message: `the operator takes one registry for all its images; map ${unmapped.join(", ")} too` });
  }
  return { release: { ...release, values }, problems };
}
