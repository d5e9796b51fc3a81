/** The shared renderings, against hand-written text: table, mismatches, skips, tally, truth tables, JUnit. */
import { describe, expect, it } from "vitest";
import type { Paint } from "../../host/colour";
import { renderJUnit } from "../../verdict/junit";
import { renderCounts, renderMismatches, renderSkipped, renderTable } from "../../verdict/render";
import { renderProbeTruthTables } from "../../verdict/truth-table";
import type { ProbeRow } from "../../verdict/types";

const row = (over: Partial<ProbeRow>): ProbeRow => ({
  id: "x",
  group: "same-subnet",
  client: "client-a",
  to: "10.0.0.2",
  toLabel: "web-a",
  port: 80,
  protocol: "tcp",
  expect: "connected",
  observed: "connected",
  attempts: 1,
  latencyMs: 12,
  status: "pass",
  why: "one bridge",
  ...over,
});

const rows: ProbeRow[] = [
  row({ id: "a->web-a" }),
  row({ id: "a->host", group: "host", toLabel: "host", to: "10.0.0.1", port: 7411, expect: "connected", accept: ["refused"], observed: "refused" }),
  row({ id: "b->web-a", client: "client-b", expect: "timeout", observed: "connected", attempts: 2, status: "mismatch", explanation: "it leaked", detail: "HTTP 200" }),
  row({ id: "b->web-b", client: "client-b", toLabel: "web-b", to: "10.0.1.2", observed: "error", attempts: 0, status: "error", explanation: "no line" }),
  row({ id: "a->far", group: "host", protocol: "", port: 0, to: "", toLabel: "", observed: "skipped", attempts: 0, status: "skipped", why: "not probed in L3 mode" }),
];
/** Marks painted words, so a test sees what is coloured and that padding comes first. */
const mark: Paint = (tone, text) => `<${tone}>${text}</${tone}>`;

describe("terminal renderings", () => {
  it("a table of the probes that ran, verdict last, coloured after padding", () => {
    expect(renderTable(rows, "path", mark)).toEqual([
      "  path         probe             target             expected              observed",
      "  same-subnet  client-a → web-a  10.0.0.2:80/tcp    connected             connected  <good>ok</good>",
      "  host         client-a → host   10.0.0.1:7411/tcp  connected or refused  refused    <good>ok</good>",
      "  same-subnet  client-b → web-a  10.0.0.2:80/tcp    timeout               connected  <bad>MISMATCH</bad>",
      "  same-subnet  client-b → web-b  10.0.1.2:80/tcp    connected             error      <bad>ERROR</bad>",
    ]);
  });

  it("mismatches and errors explained; skips with their reason; the tally", () => {
    expect(renderMismatches(rows)).toEqual([
      "Mismatches:",
      "  MISMATCH b->web-a: client-b → web-a (10.0.0.2:80/tcp)",
      "    expected timeout, observed connected after 2 attempt(s) [HTTP 200]",
      "    it leaked",
      "  ERROR b->web-b: client-b → web-b (10.0.1.2:80/tcp)",
      "    expected connected, observed error after 0 attempt(s)",
      "    no line",
      "",
    ]);
    expect(renderMismatches(rows.slice(0, 2))).toEqual([]);
    expect(renderSkipped(rows)).toEqual(["Skipped:", "  a->far: not probed in L3 mode", ""]);
    expect(renderCounts({ pass: 2, mismatch: 1, error: 1, skipped: 1 }, mark)).toBe(
      "<good>2 as expected</good>, <bad>1 mismatched</bad>, <bad>1 errors</bad>, 1 skipped",
    );
    expect(renderCounts({ pass: 3, mismatch: 0, error: 0, skipped: 0 })).toBe("3 as expected, 0 mismatched, 0 errors, 0 skipped");
  });

  it("truth tables per group and port: `.` connected, `X` not, `?` unknown or either accepted", () => {
    expect(renderProbeTruthTables(rows).join("\n")).toBe(
      [
        "== same-subnet  80/tcp  (1/3 as expected)",
        "expected",
        "           1  2",
        "client-a   .   ",
        "client-b   X  .",
        "observed",
        "           1  2",
        "client-a   .   ",
        "client-b   .  ?",
        "comparison (X = wrong)",
        "           1  2",
        "client-a   .   ",
        "client-b   X  X",
        "   1 = web-a",
        "   2 = web-b",
        "",
        "== host  7411/tcp  (1/1 as expected)",
        "expected",
        "           1",
        "client-a   ?",
        "observed",
        "           1",
        "client-a   X",
        "comparison (X = wrong)",
        "           1",
        "client-a   .",
        "   1 = host",
        "",
      ].join("\n"),
    );
  });
});

describe("JUnit", () => {
  it("a suite per group; failures, errors and skips where they belong; names escaped", () => {
    const junit = renderJUnit('lab "x" & <y>', rows);
    expect(junit).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="cnilab verify lab &quot;x&quot; &amp; &lt;y&gt;">',
        '  <testsuite name="lab &quot;x&quot; &amp; &lt;y&gt;/same-subnet" tests="3" failures="1" errors="1" skipped="0">',
        '    <testcase classname="cnilab.lab &quot;x&quot; &amp; &lt;y&gt;.same-subnet" name="a-&gt;web-a" time="0.012"/>',
        '    <testcase classname="cnilab.lab &quot;x&quot; &amp; &lt;y&gt;.same-subnet" name="b-&gt;web-a" time="0.012">',
        '      <failure message="expected timeout, observed connected">it leaked</failure>',
        "    </testcase>",
        '    <testcase classname="cnilab.lab &quot;x&quot; &amp; &lt;y&gt;.same-subnet" name="b-&gt;web-b" time="0.012">',
        '      <error message="expected connected, observed error">no line</error>',
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="lab &quot;x&quot; &amp; &lt;y&gt;/host" tests="2" failures="0" errors="0" skipped="1">',
        '    <testcase classname="cnilab.lab &quot;x&quot; &amp; &lt;y&gt;.host" name="a-&gt;host" time="0.012"/>',
        '    <testcase classname="cnilab.lab &quot;x&quot; &amp; &lt;y&gt;.host" name="a-&gt;far" time="0.012">',
        '      <skipped message="not probed in L3 mode"/>',
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
  });

  it("file probes: the path as the address, `file` as the port, `found` as `.` and `missing` as `X`", () => {
    const files = [
      row({ id: "same", group: "host-path", client: "same-node", to: "/data/marker", toLabel: "marker", port: 0, protocol: "file", expect: "found", observed: "found" }),
      row({ id: "other", group: "host-path", client: "other-node", to: "/data/marker", toLabel: "marker", port: 0, protocol: "file", expect: "missing", observed: "found", status: "mismatch", explanation: "shared after all" }),
    ];
    expect(renderTable(files, "check")).toEqual([
      "  check      probe                target               expected  observed",
      "  host-path  same-node → marker   /data/marker (file)  found     found     ok",
      "  host-path  other-node → marker  /data/marker (file)  missing   found     MISMATCH",
    ]);
    expect(renderProbeTruthTables(files).slice(0, 5)).toEqual(["== host-path  file  (1/2 as expected)", "expected", "             1", "same-node    .", "other-node   X"]);
  });
});
