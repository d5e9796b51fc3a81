/**
 * What a workshop pulls, from its participants' lab plans: every pinned image (the node image, what
 * the CNI, workloads, probes and perf run, and what each chart and its operator deploy: plan/
 * lab-images.ts pinnedImages, from pins/chart-facts.ts), every chart release and every upstream
 * manifest (canal's, which `up` otherwise downloads: host/manifests.ts). Pinned references,
 * not what a `cnilab:imageMap` maps them to: the caches proxy the upstream registries.
 */
import type { LabPlan } from "../../plan";
import type { ManifestPin } from "../../pins/versions";
import type { ChartRef } from "./charts";

export interface WorkshopContents {
  images: string[];
  charts: ChartRef[];
  manifests: ManifestPin[];
}

export function workshopContents(plans: readonly LabPlan[]): WorkshopContents {
  const images = new Set(plans.flatMap((p) => p.images.map((i) => i.pinned)));
  const charts = new Map<string, ChartRef>();
  for (const h of plans.flatMap((p) => p.cni.charts)) charts.set(`${h.chart}@${h.version}`, { name: h.chart, version: h.version, repo: h.repo });
  const manifests = new Map<string, ManifestPin>();
  for (const m of plans.flatMap((p) => p.cni.manifests ?? [])) manifests.set(`${m.pin.name}@${m.pin.version}`, m.pin);
  return {
    images: [...images].sort(),
    charts: [...charts.values()].sort((a, b) => a.name.localeCompare(b.name)),
    manifests: [...manifests.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
