/** `datapath probe`'s output through the shared renderings, from a report written by hand (no namespaces needed). */
import { describe, expect, it } from "vitest";
import { formatProbeReport, type ProbeReport } from "../../datapath/probe-run";
import type { ProbeRow } from "../../verdict/types";

const row = (group: string, toLabel: string, to: string, expect: ProbeRow["expect"], observed: ProbeRow["observed"]): ProbeRow => ({
  id: `n1-p1-to-${toLabel}`,
  group,
  client: "n1-p1",
  to,
  toLabel,
  port: 8080,
  protocol: "tcp",
  expect,
  observed,
  attempts: 1,
  latencyMs: 1,
  status: observed === expect ? "pass" : "mismatch",
  why: "w",
  ...(observed === expect ? {} : { explanation: "explained" }),
});

describe("formatProbeReport", () => {
  it("the table, the mismatches, why each expected failure fails, the Service sample, the tally", () => {
    const report: ProbeReport = {
      from: "n1-p1",
      probes: [row("pod-same-node", "n1-p2", "10.244.1.3", "connected", "connected"), row("pod-own-node-ip", "n1", "172.31.250.2", "no-route", "timeout")],
      counts: { pass: 1, mismatch: 1, error: 0, skipped: 0 },
      limitations: [{ path: "pod-own-node-ip", id: "pod-to-own-node", why: "sub-interfaces never reach their parent" }],
    };
    expect(formatProbeReport("macvlan", report)).toBe(
      [
        "macvlan: probes from n1-p1",
        "  path             probe          target                 expected   observed",
        "  pod-same-node    n1-p1 → n1-p2  10.244.1.3:8080/tcp    connected  connected  ok",
        "  pod-own-node-ip  n1-p1 → n1     172.31.250.2:8080/tcp  no-route   timeout    MISMATCH",
        "",
        "Mismatches:",
        "  MISMATCH n1-p1-to-n1: n1-p1 → n1 (172.31.250.2:8080/tcp)",
        "    expected no-route, observed timeout after 1 attempt(s)",
        "    explained",
        "",
        "why expected failures fail:",
        "  pod-own-node-ip: pod-to-own-node — sub-interfaces never reach their parent",
        "Service 10.96.0.10:80: not sampled (the backend's pods cannot reach a ClusterIP)",
        "1 as expected, 1 mismatched, 0 errors, 0 skipped",
        "",
      ].join("\n"),
    );
  });

  it("a sampled Service lists the replies per endpoint and the failures", () => {
    const report: ProbeReport = { from: "n1-p1", probes: [], counts: { pass: 0, mismatch: 0, error: 0, skipped: 0 }, limitations: [], service: { replies: { "n1-p1": 19, "n2-p1": 20 }, failures: 1, count: 40 } };
    expect(formatProbeReport("flannel-vxlan", report)).toContain("Service 10.96.0.10:80 over 40 connections: n1-p1 19, n2-p1 20, 1 failed\n");
  });
});
