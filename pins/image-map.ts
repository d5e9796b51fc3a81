/**
 * `cnilab:imageMap`: a pinned image reference → the reference to run instead (a private registry, an
 * air-gapped mirror, a stand-in built locally). Every image the lab runs passes through mapImage:
 * planLab maps the objects it plans and the kind config, chart values are set from mapped refs
 * (plan/chart-images.ts), and the planners called later (assertion Jobs, the targets' resolver, perf)
 * map what they return with the plan's map. Pure data.
 */

/** Pinned reference (exactly as `cnilab plan <stack> --images` prints it without a map) → reference to run. */
export type ImageMap = Readonly<Record<string, string>>;

/** A pinned image and what runs in its place (the same reference when the map has no entry). */
export interface PlannedImage {
  pinned: string;
  run: string;
}

/** The one function that turns a pinned reference into the one to run. */
export function mapImage(map: ImageMap, ref: string): string {
  return Object.hasOwn(map, ref) ? map[ref]! : ref;
}

/**
 * A copy of `value` with every string field named `image` mapped: containers and init containers of
 * any object, kind's nodes. Walking the whole tree is what keeps a container added later from
 * escaping the map.
 */
export function mapImagesIn<T>(value: T, map: ImageMap): T {
  if (Object.keys(map).length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== "object") return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "image" && typeof x === "string" ? mapImage(map, x) : walk(x)]));
  };
  return walk(value) as T;
}

/** Every string field named `image` in a tree of objects, in order of appearance. */
export function imagesIn(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "image" && typeof x === "string") out.push(x);
        else walk(x);
      }
    }
  };
  walk(value);
  return out;
}
