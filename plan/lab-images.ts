/**
 * The images a lab plan runs, pinned and as run: the one step of planLab where `cnilab:imageMap` is
 * checked against what the plan pins and applied to everything planned so far (and where the charts
 * get their `cnilab:chartDirs` folders, the other setting for machines that reach no repository).
 */
import type { ProbeClient } from "../assertions";
import type { CniInstall, HelmRelease, K8sObject } from "../backends";
import { SpecError, type SpecProblem } from "../labs/errors";
import type { Stack } from "../labs/stack";
import { IMAGES, PERF_IMAGES } from "../pins";
import { chartFacts, chartImageRef } from "../pins/chart-facts";
import { withChartDirs } from "./chart-dirs";
import { withMappedImages } from "./chart-images";
import type { KindClusterConfig } from "./cluster";
import { imagesIn, mapImage, mapImagesIn, type PlannedImage } from "../pins/image-map";
import { unusedImageMapKeys } from "../labs/stack-maps";

/** What planLab has built before images are mapped. */
export interface ImageBearing {
  kindConfig: KindClusterConfig;
  cni: CniInstall;
  readiness: K8sObject[];
  workloads: K8sObject[];
  healthObjects: K8sObject[];
  /** The assertion Jobs' source identities: a check's pod holds a server or writer container beside the probe. */
  assertionClients: ProbeClient[];
}

/**
 * Every image the plan pins: the node image, what its objects run, the probe and resolver Jobs' Node
 * image and what the probes' pods run beside it, the readiness Job's kubectl, what each chart and the
 * operator it deploys run (pins/chart-facts.ts), what each upstream manifest runs
 * (pins/manifest-facts.ts), and what `cnilab perf` runs against the lab (a workshop offline needs them too).
 */
export function pinnedImages(parts: ImageBearing): string[] {
  const images = new Set<string>(imagesIn([parts.kindConfig.nodes, parts.cni.objects, parts.readiness, parts.workloads, parts.healthObjects, parts.assertionClients]));
  images.add(IMAGES.node);
  images.add(IMAGES.kubectl);
  for (const h of parts.cni.charts) for (const i of chartFacts(h.chart, h.version).images) images.add(chartImageRef(i));
  for (const m of parts.cni.manifests ?? []) for (const pinned of Object.values(m.images)) images.add(pinned);
  for (const image of PERF_IMAGES) images.add(image);
  return [...images].sort();
}

/**
 * `parts` with the stack's image map applied, and the list of pinned → run images. A key the plan does
 * not pin, or a mapped chart image its chart cannot express, is a SpecError naming the stack file.
 */
export function applyImageMap<T extends ImageBearing>(parts: T, stack: Stack): { parts: T; images: PlannedImage[] } {
  const map = stack.imageMap;
  const pinned = pinnedImages(parts);
  const problems: SpecProblem[] = unusedImageMapKeys(map, pinned, stack.source, stack.name);
  const fromDirs = withChartDirs(parts.cni.charts, stack.chartDirs, stack.source);
  problems.push(...fromDirs.problems);
  const charts: HelmRelease[] = fromDirs.charts.map((h) => {
    const { release, problems: chartProblems } = withMappedImages(h, map);
    for (const p of chartProblems) problems.push({ source: stack.source, path: `cnilab:imageMap["${p.pinned}"]`, message: `Helm chart ${h.chart} ${h.version}: ${p.message}` });
    return release;
  });
  if (problems.length > 0) throw new SpecError(problems);
  const mapped: T = {
    ...parts,
    kindConfig: mapImagesIn(parts.kindConfig, map),
    cni: {
      ...parts.cni,
      objects: mapImagesIn(parts.cni.objects, map),
      charts,
      // A manifest's images are written into its objects at `up` (plan/manifest.ts): any reference form goes.
      ...(parts.cni.manifests && {
        manifests: parts.cni.manifests.map((m) => ({
          ...m,
          images: Object.fromEntries(Object.entries(m.images).map(([named, pinned]) => [named, mapImage(map, pinned)])),
        })),
      }),
    },
    readiness: mapImagesIn(parts.readiness, map),
    workloads: mapImagesIn(parts.workloads, map),
    healthObjects: mapImagesIn(parts.healthObjects, map),
    assertionClients: mapImagesIn(parts.assertionClients, map),
  };
  return { parts: mapped, images: pinned.map((p) => ({ pinned: p, run: mapImage(map, p) })) };
}
