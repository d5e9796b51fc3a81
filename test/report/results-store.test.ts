import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerifyReport } from "../../assertions/verify";
import type { BenchRun } from "../../datapath/results";
import { loadStackResults, resultsBackend, resultsDir, saveDatapathRun, saveVerifyReport, splitDatapathRun } from "../../report/results-store";

const fixtures = join(__dirname, "fixtures");
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "cnilab-store-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("results on disk", () => {
  it("saves a VerifyReport under results/<stack>/verify.json and loads it back", () => {
    const report = JSON.parse(readFileSync(join(fixtures, "results", "calico-ipip", "verify.json"), "utf8")) as VerifyReport;
    const file = saveVerifyReport(root, "calico-ipip", report);
    expect(file).toBe(join(root, "results", "calico-ipip", "verify.json"));
    const loaded = loadStackResults(root, "calico-ipip");
    expect(loaded.verify).toEqual(report);
    expect(loaded.files).toEqual({ verify: file });
    expect(loaded.perf).toBeUndefined();
    expect(resultsBackend(loaded)).toBe("calico-ipip");
  });

  it("a file of the wrong shape or unreadable JSON is reported, not loaded", () => {
    mkdirSync(resultsDir(root, "broken"), { recursive: true });
    writeFileSync(join(resultsDir(root, "broken"), "perf.json"), '{"probes": []}');
    writeFileSync(join(resultsDir(root, "broken"), "facts.json"), "{not json");
    const loaded = loadStackResults(root, "broken");
    expect(loaded.perf).toBeUndefined();
    expect(loaded.unreadable.perf).toMatch(/perf\.json: not a BenchRun \(needs host, samples, summary\)$/);
    expect(loaded.unreadable.facts).toMatch(/facts\.json: .*JSON/);
  });

  it("refuses stack names that would leave the results folder", () => {
    expect(() => resultsDir(root, "../etc")).toThrow("'../etc' is not a stack name");
    expect(() => resultsDir(root, "..")).toThrow("is not a stack name");
  });

  it("splits a datapath bench run into datapath-<backend> runs that each keep the shared baseline", () => {
    const run = JSON.parse(readFileSync(join(fixtures, "datapath-bench.json"), "utf8")) as BenchRun;
    const split = splitDatapathRun(run);
    const backends = [...new Set(run.samples.map((s) => s.labels.backend).filter((b) => b !== "underlay"))];
    expect(Object.keys(split)).toEqual(backends.map((b) => `datapath-${b}`));
    for (const [stack, part] of Object.entries(split)) {
      expect(part.summary.find((r) => r.backend === "underlay" && r.test === "tcp-1" && r.metric === "throughput")?.ratio).toBe(1);
      expect(new Set(part.samples.map((s) => s.labels.backend))).toEqual(new Set(["underlay", stack.replace("datapath-", "")]));
    }
    const files = saveDatapathRun(root, run);
    expect(files).toHaveLength(backends.length);
    expect(resultsBackend(loadStackResults(root, `datapath-${backends[0]}`))).toBe(backends[0]);
  });
});
