import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import type { Comparison } from "../../report/model";
import { fixtureState } from "../report/fixture-state";

/**
 * `cnilab compare` from recorded results (test/report/fixtures, see its README): flannel-vxlan and
 * flannel-host-gw with verify, perf and facts; calico-ipip with verify only; the datapath lab's
 * flannel-host-gw bench imported from datapath-bench.json.
 */
const STACKS = ["flannel-vxlan", "flannel-host-gw", "calico-ipip", "datapath-flannel-host-gw"];
let dir: string;

beforeAll(() => {
  dir = fixtureState("cnilab-compare-").dir;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function compare(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["compare", ...args], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: dir, env: { ...process.env, CNILAB_STATE: join(dir, "state") } });
  return { code, out: out.join(""), err: err.join("") };
}

describe("cnilab compare", () => {
  let md = "";
  let json: Comparison;

  beforeAll(async () => {
    const r = await compare([...STACKS, "--out", join(dir, "out"), "--format", "md,json"]);
    expect(r.err).toContain(`cnilab compare: imported ${join(dir, "state", "datapath-bench.json")} → ${join(dir, "state", "results", "datapath-flannel-host-gw", "perf.json")}`);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${join(dir, "out", "compare.md")}\n${join(dir, "out", "compare.json")}\n`);
    expect(existsSync(join(dir, "out", "compare.html"))).toBe(false);
    md = readFileSync(join(dir, "out", "compare.md"), "utf8");
    json = JSON.parse(readFileSync(join(dir, "out", "compare.json"), "utf8")) as Comparison;
  });

  it("says which command produces each missing result, on stderr and in the report", async () => {
    const r = await compare([...STACKS, "--out", join(dir, "out2"), "--format", "md"]);
    expect(r.err).toContain("cnilab compare: calico-ipip has no perf.json: run `cnilab perf calico-ipip --quick`\n");
    expect(r.err).toContain("cnilab compare: calico-ipip has no facts.json: run `cnilab perf calico-ipip --quick`\n");
    expect(md).toContain("- calico-ipip: no perf.json — run `cnilab perf calico-ipip --quick`\n");
    expect(md).not.toContain("- flannel-vxlan: no");
  });

  it("prints the kind caveat at the top", () => {
    expect(md.split("\n").slice(0, 6).join("\n")).toContain('> **Read ratios, not Gbit/s.** Inside kind every "cross-node" path is one kernel');
  });

  it("policy: per scenario and per probe, expected vs observed for every stack", () => {
    expect(md).toContain("| access-nginx | 6/6 | 6/6 | 5/6 | – |\n");
    expect(md).toContain("| prod-client → default/nginx :80/tcp | ✓ connected | ✓ connected | ✗ connected (expected timeout) | · |\n");
    expect(md).toContain("| dev-client → default/myapp :80/tcp | ✓ connected | ✓ connected | ✓ timeout | · |\n");
  });

  it("health checks per stack", () => {
    expect(md).toContain("| pod-to-pod-cross-node | ✓ connected | ✓ connected | ✓ connected | · |\n");
    expect(md).toContain("| pod-to-internet | – skipped | – skipped | – skipped | · |\n");
  });

  it("datapath facts: expected from BACKEND_FACTS, observed on a node", () => {
    expect(md).toContain("| encapsulation | vxlan (VNI 1, UDP 8472) | none | ipip | none |\n");
    expect(md).toContain("| pod MTU expected | 1450 (underlay 1500 − 50) | 1500 (underlay 1500 − 0) | 1480 (underlay 1500 − 20) | 1500 (underlay 1500 − 0) |\n");
    expect(md).toContain("| pod MTU observed | 1450 ✓ | 1500 ✓ | – | – |\n");
    expect(md).toMatch(/\| devices observed \| cni0 \(bridge, MTU 1450\); flannel\.1 \(vxlan, VNI 1, UDP 8472, MTU 1450\) \(\+1 pod veths\) \| cni0 \(bridge, MTU 1500\) \(\+1 pod veths\) \| – \| – \|\n/);
    expect(md).toContain("10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink");
    expect(md).toContain("10.244.2.0/24 via 172.30.2.3 dev eth0");
  });

  it("performance: medians with min–max and ratios per pair, from each stack's own baseline", () => {
    // (15.38 − 13.01) / 14.81 = 16 % and (16.55 − 13.85) / 14.78 = 18 %: both over 15 %, so no ratio is stated.
    expect(md).toContain(
      "| node-node | tcp-1 | throughput | 14.81 (13.01–15.38) Gbit/s too noisy (this spread 16 % > 15 %) | 14.78 (13.85–16.55) Gbit/s too noisy (this spread 18 % > 15 %) | – | 14.95 (14.43–15.50) Gbit/s ×1.00 |",
    );
    // Steady on both sides: the ratio stands (flannel-vxlan 9.5–9.7 µs against its steady node↔node tcp-rr).
    expect(md).toContain("| pod-pod-cross-node | tcp-rr | latency p50 | 9.6 (9.5–9.7) us ×1.35 |");
    // A steady figure over a noisy baseline is withheld too, naming the baseline's spread.
    expect(md).toContain("| pod-pod-cross-node | tcp-1 | throughput | 11.47 (11.15–11.85) Gbit/s too noisy (node↔node spread 16 % > 15 %) |");
    const cross = json.performance.find((r) => r.pair === "pod-pod-cross-node" && r.test === "tcp-1" && r.metric === "throughput")!;
    expect(cross.cells.map((c) => (c === null ? null : Number(c.ratio!.toFixed(2))))).toEqual([0.77, 0.96, null, expect.any(Number)]);
    // 188–953 conn/s around 341 is 225 %: the connection rate is stated, its ratio is not.
    expect(md).toContain("| pod-clusterip-cross-node | tcp-crr | connections/s | 341 (188–953) conn/s too noisy (this spread 225 %, node↔node spread 19 % > 15 %) |");
    expect(md).toContain("## Idle memory per node container");
    expect(md).toContain("| worker | 305 MiB, CPU 1.3 % | 302 MiB, CPU 1.3 % | – | – |\n");
  });

  it("fingerprint in the report", () => {
    expect(md).toContain("| podMtu | 1450 | 1500 | – | – |\n");
    expect(md).toMatch(/\| kind \| v0\.30\.0 \| v0\.30\.0 \| – \| – \|/);
    expect(md).toContain("| cpus | 2 | 2 | – | 2 |\n");
    expect(md).toContain("| kubeProxyMode | iptables | iptables | – | – |\n");
  });

  it("JSON: the comparison as data", () => {
    expect(Object.keys(json)).toEqual(["generatedAt", "caveat", "stacks", "scenarios", "health", "datapath", "performance"]);
    expect(json.stacks.map((s) => [s.stack, s.backend, s.source, s.missing.map((m) => m.kind)])).toEqual([
      ["flannel-vxlan", "flannel-vxlan", "cluster", []],
      ["flannel-host-gw", "flannel-host-gw", "cluster", []],
      ["calico-ipip", "calico-ipip", "cluster", ["perf", "facts"]],
      ["datapath-flannel-host-gw", "flannel-host-gw", "datapath lab", []],
    ]);
    expect(json.scenarios.map((s) => s.scenario)).toEqual(["deny-nginx", "access-nginx", "default-deny", "deny-namespace", "access-namespace", "web-allow-external"]);
    expect(json.scenarios[1]!.summary).toEqual([{ pass: 6, total: 6 }, { pass: 6, total: 6 }, { pass: 5, total: 6 }, null]);
    expect(json.health?.rows).toHaveLength(10);
    for (const row of [...json.performance, ...json.datapath.map((d) => ({ cells: d.values }))]) expect(row.cells).toHaveLength(4);
    expect(json.stacks[0]!.fingerprint).toMatchObject({ backend: "flannel-vxlan", podMtu: "1450", mode: "full" });
  });

  it("a stack with no saved results stops the report with the commands that make them (exit 2)", async () => {
    const r = await compare(["flannel-vxlan", "kindnet", "--out", join(dir, "out3")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("cnilab compare: kindnet has no verify.json: run `cnilab up kindnet && cnilab verify kindnet`\n");
    expect(r.err).toContain(`cnilab compare: no saved results for kindnet in ${join(dir, "state", "results")}; produce them with the commands above\n`);
    expect(existsSync(join(dir, "out3"))).toBe(false);
  });

  it("usage errors exit 2 with one line", async () => {
    expect((await compare([])).code).toBe(2);
    const bad = await compare(["flannel-vxlan", "--format", "pdf"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("cnilab compare: --format takes md, json, html (comma-separated), got \"pdf\"\n(see 'cnilab compare --help')\n");
    expect((await compare(["../x"])).err).toContain("not a stack name: '../x'");
    const help: string[] = [];
    expect(await main(["compare", "--help"], { stdout: (t) => help.push(t), stderr: () => undefined, cwd: dir, env: {} })).toBe(0);
    expect(help.join("")).toContain("Usage: cnilab compare <stack> [<stack>…] [--out DIR] [--format md,json,html]");
  });
});
