/**
 * How long a probe may take, how often it is tried and how far apart: one table for every kind of lab,
 * each figure with its reason. The kinds differ for networking reasons, not by accident:
 *
 * - Every timeout is above Linux's initial TCP retransmission timeout of 1 s (TCP_TIMEOUT_INIT = 1*HZ,
 *   RFC 6298 §2.1; torvalds/linux include/net/tcp.h), so one lost SYN is sent again within the
 *   attempt and is not reported as a drop.
 * - A cluster probe crosses a CNI that may still be programming the lab's NetworkPolicies when the
 *   probes start: it is re-polled for ~14 s (5 attempts of 2 s, 1 s apart), as the upstream
 *   NetworkPolicy e2e suite re-polls each probe every 1 s for up to 10 s until observed equals
 *   expected (kubernetes test/e2e/network/netpol, defaultPollTimeoutSeconds; research/netpol-anchors.md).
 *   cilium-cli's connectivity test connects with the same 2 s bound (check/context.go, --connect-timeout 2).
 * - A Docker-only lab's failures include "no-route" found by ARP: an unanswered neighbour entry fails
 *   after 3 solicitations 1 s apart (arp_tbl: MCAST_PROBES 3, RETRANS_TIME 1*HZ; torvalds/linux
 *   net/ipv4/arp.c), so an attempt must outlast ~3 s or the path shows as "timeout".
 * - A datapath lab is built by hand before its probes run, its listeners report "listening" first, and
 *   its "no-route" limitations are missing routes (ENETUNREACH at once, test/datapath/plan.test.ts
 *   "facts and lab agree"): nothing arrives late, so only one retry and no pause.
 */

/** The kinds of lab that run probes. */
export const PROBE_SETTINGS = ["cluster", "docker", "datapath"] as const;
export type ProbeSetting = (typeof PROBE_SETTINGS)[number];

export interface ProbeTiming {
  /** Bound of one attempt, name resolution included. */
  timeoutMs: number;
  /** Tries until the outcome is the expected one. */
  attempts: number;
  /** Pause before each retry, so a changing datapath can settle. */
  retryDelayMs: number;
}

export const PROBE_TIMING: Readonly<Record<ProbeSetting, ProbeTiming>> = {
  // Policies land late: retried for ~14 s (see above).
  cluster: { timeoutMs: 2_000, attempts: 5, retryDelayMs: 1_000 },
  // ARP gives up after ~3 s; the second try covers a server container still starting.
  docker: { timeoutMs: 5_000, attempts: 2, retryDelayMs: 1_000 },
  // Everything is in place before the probes start; one retry, so a packet lost while a benchmark
  // shares the machine is not reported as the backend's drop.
  datapath: { timeoutMs: 1_500, attempts: 2, retryDelayMs: 0 },
};

/** Worst case of one probe that never shows its expected outcome: every attempt times out, with the pauses between. */
export function worstCaseMs(timing: ProbeTiming): number {
  return timing.attempts * timing.timeoutMs + (timing.attempts - 1) * timing.retryDelayMs;
}
