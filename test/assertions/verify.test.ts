import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolvedProbe } from "../../assertions";
import { renderReport } from "../../assertions/render";
import { verify, type VerifyInput } from "../../assertions/verify";
import { asExpected } from "../../verdict/judge";
import { renderJUnit } from "../../verdict/junit";

const probe = (id: string, client: string, toLabel: string, expect: ResolvedProbe["expect"], port = 80): ResolvedProbe => ({
  id,
  group: id.split("/")[0]!,
  client,
  toLabel,
  to: "10.244.1.9",
  port,
  protocol: "tcp",
  expect,
  why: expect === "connected" ? "allowed: not isolated" : "denied: default/nginx is selected by ingress policy deny-nginx, whose rules allow no peer",
  basis: { kind: "health" },
});

const probes = [
  probe("deny-nginx/demo-nginx-80-tcp-pod", "demo", "default/nginx", "timeout"),
  probe("deny-nginx/other-nginx-80-tcp-pod", "other", "default/nginx", "timeout"),
  probe("deny-nginx/demo-web-80-tcp-pod", "demo", "default/web", "connected"),
  probe("health/pod-to-pod-same-node", "health-client", "echo-same-node", "connected", 8080),
];

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");

function input(logs: VerifyInput["logs"]): VerifyInput {
  return {
    stack: "calico-ipip",
    backend: { name: "calico-ipip", title: "calico, IP-in-IP", enforcement: { why: "Felix programs policy" } },
    probes,
    skipped: [{ id: "health/pod-to-internet", group: "health", reason: "off by default" }],
    logs,
  };
}

describe("verify: expected against observed", () => {
  it("all as expected: counts, skipped listed", () => {
    const report = verify(input({ demo: { text: fixture("demo-ok.log") }, other: { text: fixture("other-ok.log") }, "health-client": { text: fixture("health-ok.log") } }));
    expect(report.counts).toEqual({ pass: 4, mismatch: 0, error: 0, skipped: 1 });
    expect(asExpected(report.counts)).toBe(true);
    const text = renderReport(report);
    expect(text).toContain("== deny-nginx  80/tcp  (3/3 as expected)");
    expect(text).toContain("4 as expected, 0 mismatched, 0 errors, 1 skipped");
    expect(text).toContain("health/pod-to-internet: off by default");
  });

  it("a blocked connection that went through is a mismatch, explained with the policy and the backend", () => {
    const report = verify(input({ demo: { text: fixture("demo-leak.log") }, other: { text: fixture("other-ok.log") }, "health-client": { text: fixture("health-ok.log") } }));
    expect(asExpected(report.counts)).toBe(false);
    const leak = report.probes.find((p) => p.id === "deny-nginx/demo-nginx-80-tcp-pod")!;
    expect(leak).toMatchObject({ status: "mismatch", expect: "timeout", observed: "connected", attempts: 5 });
    expect(leak.explanation).toMatch(/timeout was expected because: denied: default\/nginx is selected by ingress policy deny-nginx/);
    expect(leak.explanation).toMatch(/not enforced \(yet\) on calico, IP-in-IP/);
    const text = renderReport(report);
    expect(text).toContain("MISMATCH deny-nginx/demo-nginx-80-tcp-pod: demo → default/nginx (10.244.1.9:80/tcp)");
    expect(text).toContain("expected timeout, observed connected after 5 attempt(s)");
    // Truth tables: expected X, observed ., comparison X for demo → nginx.
    const block = text.slice(text.indexOf("== deny-nginx"), text.indexOf("Mismatches"));
    expect(block).toMatch(/expected\n\s+1  2\ndemo\s+X  \.\nother\s+X   \n/);
    expect(block).toMatch(/observed\n\s+1  2\ndemo\s+\.  \.\nother\s+X   \n/);
    expect(block).toMatch(/comparison \(X = wrong\)\n\s+1  2\ndemo\s+X  \.\nother\s+\.   \n/);
  });

  it("garbled, truncated and missing lines are errors, never passes; a missing log errors every probe of its client", () => {
    const report = verify(input({ demo: { text: fixture("demo-garbled.log") }, other: { missing: "pod cnilab-probe-other-x7k2p: ImagePullBackOff" }, "health-client": { text: "" } }));
    const status = Object.fromEntries(report.probes.map((p) => [p.id, p.status]));
    expect(status).toEqual({
      "deny-nginx/demo-nginx-80-tcp-pod": "error",
      "deny-nginx/demo-web-80-tcp-pod": "pass",
      "deny-nginx/other-nginx-80-tcp-pod": "error",
      "health/pod-to-pod-same-node": "error",
      "health/pod-to-internet": "skipped",
    });
    const other = report.probes.find((p) => p.client === "other")!;
    expect(other.detail).toBe("pod cnilab-probe-other-x7k2p: ImagePullBackOff");
    expect(renderReport(report)).toMatch(/other\s+\?/);
  });

  it("JUnit: a suite per group, failures and errors and skips where they belong", () => {
    const report = verify(input({ demo: { text: fixture("demo-leak.log") }, other: { text: fixture("other-ok.log") }, "health-client": { text: "" } }));
    const junit = renderJUnit(report.stack, report.probes);
    expect(junit).toContain('<testsuite name="calico-ipip/deny-nginx" tests="3" failures="1" errors="0" skipped="0">');
    expect(junit).toContain('<testsuite name="calico-ipip/health" tests="2" failures="0" errors="1" skipped="1">');
    expect(junit).toContain('<failure message="expected timeout, observed connected">');
    expect(junit).toContain('<skipped message="off by default"/>');
    expect(junit.match(/<testcase /g)).toHaveLength(5);
  });
});
