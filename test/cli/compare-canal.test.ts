/**
 * `cnilab compare flannel-vxlan canal`: seed 004's point side by side. Both stacks' verify.json are
 * written as a run that went as planned would leave them (each probe observed as its own stack
 * expects), flannel-vxlan's facts.json is the recorded one (test/report/fixtures). The report must show
 * one datapath (the same overlay, VNI, port and MTU) and NetworkPolicy enforced in canal only.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { planLab } from "../../plan";
import type { ProbeRow } from "../../verdict/types";
import { fixtureState } from "../report/fixture-state";
import { loadStack } from "../helpers/stacks";

let dir: string;
let md = "";

/** verify.json of a run where every probe saw what the stack's plan expects. */
async function asPlanned(stack: string) {
  const spec = await loadStack(stack);
  const probes: ProbeRow[] = planLab(spec).assertions.probes.map((p) => ({
    id: p.id,
    group: p.group,
    client: p.client,
    to: p.toLabel,
    toLabel: p.toLabel,
    port: p.port,
    protocol: p.protocol,
    expect: p.expect,
    observed: p.expect,
    attempts: 1,
    latencyMs: 1,
    status: "pass",
    why: p.why,
  }));
  return { stack, backend: spec.stack.backend, probes, counts: { pass: probes.length, mismatch: 0, error: 0, skipped: 0 } };
}

beforeAll(async () => {
  const f = fixtureState("cnilab-compare-canal-");
  dir = f.dir;
  for (const stack of ["flannel-vxlan", "canal"]) {
    mkdirSync(join(f.state, "results", stack), { recursive: true });
    writeFileSync(join(f.state, "results", stack, "verify.json"), JSON.stringify(await asPlanned(stack)));
  }
  const err: string[] = [];
  const code = await main(["compare", "flannel-vxlan", "canal", "--out", join(dir, "out"), "--format", "md"], {
    stdout: () => {},
    stderr: (t) => err.push(t),
    cwd: dir,
    env: { ...process.env, CNILAB_STATE: f.state },
  });
  expect(err.join("")).toContain("cnilab compare: canal has no facts.json: run `cnilab perf canal --quick`");
  expect(code).toBe(0);
  md = readFileSync(join(dir, "out", "compare.md"), "utf8");
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cnilab compare flannel-vxlan canal", () => {
  it("the same datapath: VXLAN on flannel.1, VNI 1, UDP 8472, 50 bytes, pod MTU 1450", () => {
    expect(md).toContain("| encapsulation | vxlan (VNI 1, UDP 8472) | vxlan (VNI 1, UDP 8472) |\n");
    expect(md).toContain("| overhead per packet | 50 B | 50 B |\n");
    expect(md).toContain("| pod MTU expected | 1450 (underlay 1500 − 50) | 1450 (underlay 1500 − 50) |\n");
    expect(md).toContain("| overlay device expected | flannel.1 | flannel.1 |\n");
    expect(md).toContain("| peer route expected | <peer-subnet> via <peer-subnet-network> dev flannel.1 onlink | <peer-subnet> via <peer-subnet-network> dev flannel.1 onlink |\n");
    // Where they differ: calico's CNI plugin attaches canal's pods (cali* veth, /32 route), not flannel's bridge.
    expect(md).toContain("| pod attachment | bridge | proxy-arp |\n");
  });

  it("NetworkPolicy enforced only in canal: a denied connection times out in canal and connects in flannel-vxlan", () => {
    // deny-nginx: an ingress policy with no rules selects nginx; Felix drops, flannel has nothing to drop with.
    expect(md).toContain("| deny-nginx-demo → deny-nginx/deny-nginx-nginx :80/tcp | ✓ connected | ✓ timeout |\n");
    expect(md).toContain("| deny-nginx-other → deny-nginx-nginx.deny-nginx.svc :80/tcp | ✓ connected | ✓ timeout |\n");
    // access-nginx: what the policy allows connects on both.
    expect(md).toContain("| access-nginx-demo → access-nginx/access-nginx-nginx :80/tcp | ✓ connected | ✓ connected |\n");
    expect(md).toContain("| access-nginx-other → access-nginx/access-nginx-nginx :80/tcp | ✓ connected | ✓ timeout |\n");
    expect(md).toMatch(/\| NetworkPolicy enforced \| no — flannel only programs routes and overlays[^|]*\| ingress, egress, ipBlock — calico's Felix[^|]*\|\n/);
  });
});
