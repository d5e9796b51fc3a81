/**
 * One command of a lab plan, as data: what runs, in which namespace. The executor (exec.ts) runs
 * `ip netns exec <netns> <argv…>`; only `ip netns add` runs outside any namespace (`netns: null`).
 */
export const PHASES = ["namespaces", "underlay", "pods", "backend", "service"] as const;
export type Phase = (typeof PHASES)[number];

export interface Step {
  phase: Phase;
  /** The namespace the command runs in; null only for `ip netns add`, which creates one. */
  netns: string | null;
  argv: readonly string[];
  /**
   * "exists": an EEXIST failure is fine. Only for tunl0, which the ipip module creates by itself in
   * every namespace (the fallback tunnel) unless net.core.fb_tunnels_only_for_init_net says otherwise.
   */
  tolerate?: "exists";
}

/** A step builder bound to a phase and a namespace: `at("pods", ns)("ip", "link", "set", "lo", "up")`. */
export function at(phase: Phase, netns: string | null): (...argv: string[]) => Step {
  return (...argv) => ({ phase, netns, argv });
}
