/**
 * The two map settings of a stack checked on their own, where the stack file is read:
 * `cnilab:imageMap` (pinned reference → reference to run, pins/image-map.ts) and
 * `cnilab:registryMirrors` (registry host → endpoint URLs, planned by plan/registry-mirrors.ts).
 */
import type { ImageMap } from "../pins/image-map";
import { parseImageRef } from "../pins/image-ref";
import type { SpecProblem } from "./errors";

/** Registry host → the endpoint URL(s) kind's nodes pull its images from. */
export type RegistryMirrors = Readonly<Record<string, string | readonly string[]>>;

/**
 * Registry host as an image reference names it (distribution/reference regexp.go v0.6.0 domainAndPort),
 * or `_default`, the folder containerd falls back to for any host without its own (core/remotes/docker/
 * config/config_unix.go hostPaths, v2.1.4; remotes/docker/config/config_unix.go, v1.6.20).
 */
const REGISTRY_HOST = /^(?:_default|(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?)$/;

/** A mirror setting's endpoints, in the order containerd tries them. */
export const mirrorEndpoints = (v: string | readonly string[]): readonly string[] => (typeof v === "string" ? [v] : v);

export function registryMirrorProblems(mirrors: RegistryMirrors, source: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const [host, value] of Object.entries(mirrors)) {
    const at = `cnilab:registryMirrors["${host}"]`;
    if (!REGISTRY_HOST.test(host)) {
      problems.push({ source, path: at, message: `'${host}' is not a registry host: host[:port] as an image reference names it (docker.io, registry.example:5000), or _default for every registry` });
    }
    for (const url of mirrorEndpoints(value)) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.hostname === "" || parsed.search !== "" || parsed.hash !== "" || parsed.username !== "") {
        problems.push({ source, path: at, message: `'${url}' is not an endpoint URL: http://host[:port][/path] (plain HTTP) or https://host[:port][/path], no query or credentials` });
      }
    }
  }
  return problems;
}

/** Problems of the setting on its own: every value must be an image reference. */
export function imageMapValueProblems(map: ImageMap, source: string): SpecProblem[] {
  return Object.entries(map).flatMap(([key, value]) => {
    const parsed = parseImageRef(value);
    return typeof parsed === "string" ? [{ source, path: `cnilab:imageMap["${key}"]`, message: `${parsed}; give the reference to run instead of '${key}'` }] : [];
  });
}

/**
 * A key the plan does not pin is a mistake (a typo, a digest from another version, an image another
 * stack runs): reported with every reference this stack's plan runs, which are the keys it takes.
 */
export function unusedImageMapKeys(map: ImageMap, pinned: readonly string[], source: string, stack: string): SpecProblem[] {
  const used = new Set(pinned);
  return Object.keys(map)
    .filter((key) => !used.has(key))
    .map((key) => ({
      source,
      path: `cnilab:imageMap["${key}"]`,
      message: `'${key}' is not an image this stack runs; the keys are references exactly as \`cnilab plan ${stack} --images\` prints them without a map: ${[...used].sort().join(", ")}`,
    }));
}
