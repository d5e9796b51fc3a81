/** Probe timing once, and the probe program's plan built from it; figures written by hand from the reasons in verdict/timing.ts. */
import { describe, expect, it } from "vitest";
import { validatePlan } from "../../probe/plan";
import { probePlanFor } from "../../verdict/probe-plan";
import { PROBE_SETTINGS, PROBE_TIMING, worstCaseMs } from "../../verdict/timing";
import type { PlannedProbe } from "../../verdict/types";

describe("PROBE_TIMING", () => {
  it("every attempt outlasts one SYN retransmission (1 s); a Docker attempt outlasts ARP giving up (3 s)", () => {
    for (const setting of PROBE_SETTINGS) expect(PROBE_TIMING[setting].timeoutMs, setting).toBeGreaterThan(1_000);
    expect(PROBE_TIMING.docker.timeoutMs).toBeGreaterThan(3_000);
  });

  it("a cluster probe keeps trying for at least the 10 s upstream's NetworkPolicy e2e re-polls", () => {
    expect(worstCaseMs(PROBE_TIMING.cluster)).toBe(14_000);
    expect(worstCaseMs(PROBE_TIMING.cluster)).toBeGreaterThanOrEqual(10_000);
  });

  it("worst case: every attempt times out, with the pauses between", () => {
    expect(worstCaseMs(PROBE_TIMING.docker)).toBe(11_000);
    expect(worstCaseMs(PROBE_TIMING.datapath)).toBe(3_000);
    expect(worstCaseMs({ timeoutMs: 100, attempts: 1, retryDelayMs: 5_000 })).toBe(100);
  });
});

describe("probePlanFor", () => {
  const probes: PlannedProbe[] = [
    { id: "a", group: "g", client: "c", to: "10.0.0.2", toLabel: "web", port: 80, protocol: "tcp", expect: "connected", accept: ["refused"], why: "w" },
    { id: "b", group: "g", client: "c", to: "default/web#0", toLabel: "default/web", port: 8080, protocol: "udp", expect: "timeout", why: "w", endpoint: { service: "default/web", index: 0 } },
  ];

  it("times each probe for its kind of lab, retries toward `expect`, names endpoints instead of addresses", () => {
    expect(probePlanFor(probes, "docker")).toEqual({
      retryDelayMs: 1_000,
      probes: [
        { id: "a", port: 80, protocol: "tcp", timeoutMs: 5_000, attempts: 2, expect: "connected", to: "10.0.0.2" },
        { id: "b", port: 8080, protocol: "udp", timeoutMs: 5_000, attempts: 2, expect: "timeout", endpoint: { service: "default/web", index: 0 } },
      ],
    });
    const cluster = probePlanFor(probes, "cluster", 16);
    expect(cluster.concurrency).toBe(16);
    expect(cluster.probes.map((p) => [p.timeoutMs, p.attempts])).toEqual([[2_000, 5], [2_000, 5]]);
    expect(probePlanFor([], "datapath")).toEqual({ retryDelayMs: 0, probes: [] });
  });

  it("is a plan the probe program accepts", () => {
    for (const setting of PROBE_SETTINGS) expect(validatePlan(probePlanFor(probes, setting)).ok, setting).toBe(true);
  });

  it("carries a network probe's `within` and a file probe's `content` into the plan", () => {
    const plan = probePlanFor(
      [
        { id: "ip", group: "g", client: "c", to: "10.96.0.10", toLabel: "svc", port: 80, protocol: "tcp", expect: "connected", within: "10.96.0.0/16", why: "w" },
        { id: "file", group: "g", client: "c", to: "/data/marker", toLabel: "marker", port: 0, protocol: "file", expect: "found", content: "hello", why: "w" },
      ],
      "cluster",
    );
    expect(plan.probes).toEqual([
      { id: "ip", port: 80, protocol: "tcp", timeoutMs: 2_000, attempts: 5, expect: "connected", within: "10.96.0.0/16", to: "10.96.0.10" },
      { id: "file", port: 0, protocol: "file", timeoutMs: 2_000, attempts: 5, expect: "found", content: "hello", to: "/data/marker" },
    ]);
    expect(validatePlan(plan).ok).toBe(true);
  });
});
