/**
 * The core's verdicts, with expected values written by hand: which observations pass, which are errors,
 * how a missing or garbled log is judged, and how rows are counted.
 */
import { describe, expect, it } from "vitest";
import { asExpected, explainOutcome, expectedText, judge, statusOf, summarize } from "../../verdict/judge";
import type { PlannedProbe } from "../../verdict/types";

const probe = (id: string, client: string, expect: PlannedProbe["expect"], accept?: PlannedProbe["accept"]): PlannedProbe => ({
  id,
  group: "g",
  client,
  to: "10.0.0.2",
  toLabel: "web",
  port: 80,
  protocol: "tcp",
  expect,
  ...(accept ? { accept } : {}),
  why: "the facts say so",
});
const line = (id: string, outcome: string, attempts = 1) => JSON.stringify({ id, ok: true, outcome, latencyMs: 7, attempts });

describe("statusOf", () => {
  it.each([
    ["connected", undefined, "connected", "pass"],
    ["timeout", undefined, "timeout", "pass"],
    ["timeout", undefined, "connected", "mismatch"],
    ["no-route", undefined, "timeout", "mismatch"],
    ["timeout", undefined, "dns-error", "mismatch"],
    ["connected", ["refused"], "refused", "pass"],
    ["connected", ["refused"], "timeout", "mismatch"],
    ["connected", undefined, "error", "error"],
    ["timeout", ["no-route"], "error", "error"],
  ] as const)("expect %s (also %j), observed %s → %s", (expect_, accept, observed, status) => {
    expect(statusOf({ expect: expect_, ...(accept ? { accept } : {}) }, observed)).toBe(status);
  });

  it("names every accepted outcome", () => {
    expect(expectedText({ expect: "connected", accept: ["refused"] })).toBe("connected or refused");
    expect(expectedText({ expect: "no-route" })).toBe("no-route");
  });
});

describe("judge", () => {
  const probes = [probe("a1", "a", "connected"), probe("b1", "b", "timeout"), probe("a2", "a", "connected", ["refused"]), probe("c1", "c", "connected")];

  it("reads each source's log, judges in plan order, appends skips, counts", () => {
    const logs = {
      a: { text: `${line("a1", "connected")}\n${line("a2", "refused", 2)}\n{"summary":true,"total":2,"connected":1,"failed":0,"durationMs":9}\n` },
      b: { text: `${line("b1", "connected", 5)}\n` },
      c: { missing: "pod cnilab-probe-c: ImagePullBackOff" },
    };
    const { probes: rows, counts } = judge(probes, [{ id: "s1", group: "g", reason: "needs two workers" }], logs);
    expect(rows.map((r) => [r.id, r.observed, r.attempts, r.status])).toEqual([
      ["a1", "connected", 1, "pass"],
      ["b1", "connected", 5, "mismatch"],
      ["a2", "refused", 2, "pass"],
      ["c1", "error", 0, "error"],
      ["s1", "skipped", 0, "skipped"],
    ]);
    expect(counts).toEqual({ pass: 2, mismatch: 1, error: 1, skipped: 1 });
    expect(asExpected(counts)).toBe(false);
    expect(rows[3]!.detail).toBe("pod cnilab-probe-c: ImagePullBackOff");
    expect(rows[4]!.why).toBe("needs two workers");
    // Only disagreements carry an explanation; an accepted alternative keeps its list.
    expect(rows[0]!.explanation).toBeUndefined();
    expect(rows[2]!.accept).toEqual(["refused"]);
    expect(rows[1]!.explanation).toBe(
      "observed connected (TCP handshake completed, a UDP reply arrived, or an HTTP response came back (any status)); expected timeout because the facts say so.",
    );
  });

  it("a source with no log at all, and a log that lacks a line, are errors, never passes", () => {
    const { probes: rows } = judge([probe("a1", "a", "timeout"), probe("b1", "b", "timeout")], [], { b: { text: "" } });
    expect(rows.map((r) => [r.id, r.status, r.detail])).toEqual([
      ["a1", "error", "no log for client a"],
      ["b1", "error", 'no result line for "b1", and no summary line: the probe did not finish (killed, or the log is cut)'],
    ]);
  });

  it("a lab may explain disagreements itself", () => {
    const { probes: rows } = judge([probe("a1", "a", "connected")], [], { a: { text: line("a1", "timeout") } }, (p, o) => `${p.id} saw ${o}`);
    expect(rows[0]!.explanation).toBe("a1 saw timeout");
  });

  it("explains an error by where to look", () => {
    expect(explainOutcome(probe("a1", "client-a", "connected"), "error")).toBe(
      "observed error (anything else, including a result line that is missing or unreadable, a file holding other text, an address outside `within`). The probe did not report: read client-a's probe log.",
    );
  });
});

describe("summarize / asExpected", () => {
  it("counts every status, zero included; skips are not failures", () => {
    expect(summarize([])).toEqual({ pass: 0, mismatch: 0, error: 0, skipped: 0 });
    const counts = summarize([{ status: "pass" }, { status: "skipped" }, { status: "pass" }]);
    expect(counts).toEqual({ pass: 2, mismatch: 0, error: 0, skipped: 1 });
    expect(asExpected(counts)).toBe(true);
    expect(asExpected({ pass: 9, mismatch: 0, error: 1, skipped: 0 })).toBe(false);
  });
});
