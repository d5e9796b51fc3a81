import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatResult, formatSummary } from "../../probe/output";
import { parseProbeLog, readProbeLog } from "../../probe/parse";
import { PROBE_OUTCOMES } from "../../probe/types";
import type { ProbeResult } from "../../probe/types";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const IDS = ["web-tcp-80", "db-tcp-5432", "dns-udp-53", "api-http-443", "svc-by-name"];

function errorWith(id: string, detail: string): ProbeResult {
  return { id, ok: false, outcome: "error", latencyMs: 0, attempts: 0, detail };
}

describe("readProbeLog", () => {
  it("reads a complete log, ignoring a runtime warning line", () => {
    const reading = readProbeLog(fixture("complete.log"), IDS);
    expect(reading.results).toEqual([
      { id: "web-tcp-80", ok: true, outcome: "connected", latencyMs: 2, attempts: 1 },
      { id: "db-tcp-5432", ok: false, outcome: "timeout", latencyMs: 1001, attempts: 2 },
      { id: "dns-udp-53", ok: true, outcome: "connected", latencyMs: 4, attempts: 1, detail: "reply: coredns-5d78c9869d-x2x7p" },
      { id: "api-http-443", ok: false, outcome: "refused", latencyMs: 1, attempts: 2 },
      { id: "svc-by-name", ok: false, outcome: "dns-error", latencyMs: 12, attempts: 1, detail: "ENOTFOUND: backend.lab.svc.cluster.local" },
    ]);
    expect(reading.summary).toEqual({ summary: true, total: 5, connected: 2, failed: 3, durationMs: 2034 });
    expect(reading.noiseLines).toBe(1);
    expect(reading.unexpectedIds).toEqual([]);
  });

  it("turns a log cut mid-line (probe killed) into errors for the truncated and the missing ids", () => {
    const reading = readProbeLog(fixture("killed-midway.log"), IDS);
    expect(reading.summary).toBeNull();
    expect(reading.results.map((r) => r.outcome)).toEqual(["connected", "timeout", "error", "error", "error"]);
    expect(reading.results[3]).toEqual(errorWith("api-http-443", 'result line 3 for "api-http-443" is not valid JSON (truncated or garbled): {"id":"api-http-443","ok":tr'));
    expect(reading.results[4]?.detail).toBe('no result line for "svc-by-name", and no summary line: the probe did not finish (killed, or the log is cut)');
  });

  it("never passes a garbled, conflicting or prefixed line", () => {
    const ids = [...IDS, "node-port", "missing-one"];
    const reading = readProbeLog(fixture("garbled.log"), ids);
    expect(reading.results).toEqual([
      errorWith("web-tcp-80", `result line 1 for "web-tcp-80" has text before the JSON: 2026-11-23T04:38:33.123456789Z {"id":"web-tcp-80","ok":true,"outcome":"connected…`),
      errorWith("db-tcp-5432", 'result line 2 for "db-tcp-5432": outcome "blocked" is not one of connected, refused, timeout, dns-error, no-route, in-use, found, missing, error'),
      // ok is the probe's judgement against an expect the log does not carry: the outcome is what counts.
      { id: "dns-udp-53", ok: true, outcome: "timeout", latencyMs: 1000, attempts: 1 },
      errorWith("api-http-443", 'result lines 4 and 5 for "api-http-443" disagree; trusting neither'),
      errorWith("svc-by-name", `result line 6 for "svc-by-name" is not valid JSON (truncated or garbled): {"id":"svc-by-name","ok":true,"outcome":"connected","la{"id":"web-tcp-80","ok":t…`),
      // Printed twice, identically: one result.
      { id: "node-port", ok: true, outcome: "connected", latencyMs: 1, attempts: 1 },
      errorWith("missing-one", 'no result line for "missing-one", though the probe finished: the plan it ran did not include this id'),
    ]);
    expect(reading.unexpectedIds).toEqual(["left-over-from-another-plan"]);
    expect(reading.noiseLines).toBe(1);
  });

  it("gives an error for every expected id of an empty log", () => {
    expect(parseProbeLog("", ["a", "b"]).map((r) => [r.id, r.outcome, r.ok])).toEqual([
      ["a", "error", false],
      ["b", "error", false],
    ]);
  });
});

const resultArb: fc.Arbitrary<ProbeResult> = fc
  .record({
    id: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/),
    outcome: fc.constantFrom(...PROBE_OUTCOMES),
    latencyMs: fc.nat(600_000),
    attempts: fc.integer({ min: 1, max: 100 }),
    detail: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  })
  .map(({ detail, ...r }) => ({ ...r, ok: r.outcome === "connected", ...(detail === undefined ? {} : { detail }) }));

describe("formatResult and readProbeLog together", () => {
  it("read back exactly what the probe printed", () => {
    fc.assert(
      fc.property(fc.uniqueArray(resultArb, { selector: (r) => r.id, maxLength: 20 }), (results) => {
        const log = results.map(formatResult).join("") + formatSummary({ summary: true, total: results.length, connected: 0, failed: 0, durationMs: 1 });
        expect(parseProbeLog(log, results.map((r) => r.id))).toEqual(results);
      }),
    );
  });

  it("never read a truncated result line as a pass", () => {
    fc.assert(
      fc.property(resultArb, fc.nat(), (result, cut) => {
        const line = formatResult(result).trimEnd();
        const [read] = parseProbeLog(line.slice(0, cut % line.length), [result.id]);
        expect(read).toMatchObject({ ok: false, outcome: "error" });
      }),
    );
  });
});
