/**
 * Which kernel features a datapath lab needs, and whether this kernel has them. The lab runs as
 * root and builds these devices next, so host/kernel.ts may make each one in a throwaway namespace
 * (its rule 1: the kernel's own answer, module autoloading included).
 */
import { tunnelKind } from "../backends/mtu";
import type { BackendFacts } from "../backends/types";
import { featurePresent, kernelFeatures, type FeatureEvidence, type KernelFeature } from "../host/kernel";
import { NETNS_PREFIX } from "./topology";

/** What the lab of this backend needs from the kernel (veth and bridge: the switch and the nodes). */
export function requiredFeatures(facts: BackendFacts): KernelFeature[] {
  const needs: KernelFeature[] = ["veth", "bridge"];
  const tunnel = tunnelKind(facts.datapath);
  // The udp tunnel is a TUN device a program of ours reads; the kernel only needs the tun module.
  if (tunnel !== undefined) needs.push(tunnel === "udp" ? "tun" : tunnel);
  const attachment = facts.datapath.podAttachment;
  if (attachment === "macvlan") needs.push("macvlan");
  if (attachment === "ipvlan-l2" || attachment === "ipvlan-l3") needs.push("ipvlan");
  return needs;
}

export type FeatureCheck = Record<KernelFeature, FeatureEvidence>;

let cached: FeatureCheck | undefined;

/** Synchronous (a dozen `ip` calls, milliseconds), so tests can decide what to skip while collecting. */
export function detectKernelFeatures(): FeatureCheck {
  cached ??= kernelFeatures({ root: "/" }, { tryInNamespace: `${NETNS_PREFIX}featcheck.${process.pid}` });
  return cached;
}

export function missingFeatures(facts: BackendFacts, check: FeatureCheck): KernelFeature[] {
  return requiredFeatures(facts).filter((f) => !featurePresent(check[f]));
}
