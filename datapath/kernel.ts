/**
 * Which link types this kernel can make, found by trying: `ip link add` in a throwaway namespace
 * (module autoloading included), never by reading module lists, which miss built-ins and autoload.
 */
import type { BackendFacts } from "../backends/types";
import { spawnSync } from "node:child_process";
import { tunnelKind } from "./mtu";
import { NETNS_PREFIX } from "./topology";

export const KERNEL_FEATURES = ["veth", "bridge", "vxlan", "macvlan", "ipvlan", "ipip"] as const;
export type KernelFeature = (typeof KERNEL_FEATURES)[number];

/** `ip link add <name> <these args>`; sub-interfaces hang off a bridge made first. */
const TRY: Record<KernelFeature, readonly string[]> = {
  veth: ["type", "veth", "peer", "name", "fpeer"],
  bridge: ["type", "bridge"],
  vxlan: ["type", "vxlan", "id", "42", "dstport", "4789"],
  macvlan: ["link", "fparent", "type", "macvlan", "mode", "bridge"],
  ipvlan: ["link", "fparent", "type", "ipvlan", "mode", "l2"],
  // A device with endpoints of its own: the module's fallback tunl0 may already hold "any/any".
  ipip: ["type", "ipip", "local", "192.0.2.1", "remote", "192.0.2.2"],
};

/** What the lab of this backend needs from the kernel (veth and bridge: the switch and the nodes). */
export function requiredFeatures(facts: BackendFacts): KernelFeature[] {
  const needs = new Set<KernelFeature>(["veth", "bridge"]);
  const tunnel = tunnelKind(facts.datapath);
  if (tunnel !== undefined) needs.add(tunnel);
  const attachment = facts.datapath.podAttachment;
  if (attachment === "macvlan") needs.add("macvlan");
  if (attachment === "ipvlan-l2" || attachment === "ipvlan-l3") needs.add("ipvlan");
  return KERNEL_FEATURES.filter((f) => needs.has(f));
}

export interface FeatureCheck {
  available: Record<KernelFeature, boolean>;
  /** The kernel's own words for each missing feature ("Unknown device type"). */
  reasons: Partial<Record<KernelFeature, string>>;
}

let cached: FeatureCheck | undefined;

function ip(...args: string[]): { code: number; stderr: string } {
  const r = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 });
  return { code: r.status ?? 1, stderr: r.stderr ?? r.error?.message ?? "" };
}

/** Synchronous (a dozen `ip` calls, milliseconds), so tests can decide what to skip while collecting. */
export function detectKernelFeatures(): FeatureCheck {
  if (cached) return cached;
  const ns = `${NETNS_PREFIX}featcheck.${process.pid}`;
  const made = ip("netns", "add", ns);
  if (made.code !== 0) throw new Error(`cannot create namespace ${ns} to probe kernel features: ${made.stderr.trim()}`);
  const available = {} as Record<KernelFeature, boolean>;
  const reasons: Partial<Record<KernelFeature, string>> = {};
  try {
    const parent = ip("-n", ns, "link", "add", "fparent", "type", "bridge");
    for (const feature of KERNEL_FEATURES) {
      const r = ip("-n", ns, "link", "add", `f${feature}`, ...TRY[feature]);
      available[feature] = r.code === 0;
      if (r.code !== 0) reasons[feature] = (parent.code === 0 ? r.stderr : `no bridge to hang it on: ${parent.stderr}`).trim();
    }
  } finally {
    ip("netns", "del", ns);
  }
  cached = { available, reasons };
  return cached;
}

export function missingFeatures(facts: BackendFacts, check: FeatureCheck): KernelFeature[] {
  return requiredFeatures(facts).filter((f) => !check.available[f]);
}
