/**
 * Issue 11 §1 through the CLI on the fake machine: another lab running next to a copied stack file.
 * `down` of the copy never touches the other lab; `plan` and `up` refuse a stack that shares its
 * cluster name or subnet, before Pulumi runs; `down` still works when the stack file stopped validating.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDown } from "../../cli/down";
import { runToExit } from "../../cli/exit";
import { runPlanCommand } from "../../cli/plan";
import { runUp, type LabCommandDeps } from "../../cli/up";
import { LAB_TEST_TIMEOUT_MS, installFakes, type FakeMachine } from "./fakes/install";
import { HEALTHY, makeRoot } from "./fakes/root";
import { captureIo, withoutWarnings } from "./io";
import { argvOf, IDENTITY, pulumiCallsOf } from "./fakes/lab";

const RUNNING = "cnilab-flannel-vxlan";

describe("a lab next to another one", { timeout: LAB_TEST_TIMEOUT_MS }, () => {
  let m: FakeMachine;
  let deps: LabCommandDeps;
  const io = () => captureIo(m.env, m.dir);
  // What cnilab asked through the Automation API (not the doctor's own `plugin ls`, not `version`).
  const pulumiCalls = () => argvOf(pulumiCallsOf(m));
  /** stacks/Pulumi.flannel-ipvs.yaml: flannel-vxlan's file with `edit` applied. */
  const copy = (edit: (text: string) => string) => {
    const text = readFileSync(join(m.project, "stacks/Pulumi.flannel-vxlan.yaml"), "utf8");
    writeFileSync(join(m.project, "stacks/Pulumi.flannel-ipvs.yaml"), edit(text));
  };
  const ipvs = (text: string) => text.replace("172.16.2.0/24", "172.16.12.0/24").replace("kubeProxyMode: iptables", "kubeProxyMode: ipvs");

  beforeEach(() => {
    m = installFakes();
    deps = { host: m.host(makeRoot(HEALTHY)), root: m.project, tty: false };
    // flannel-vxlan is up: its labelled network, its cluster's nodes on it.
    m.addNetwork(RUNNING, "172.16.2.0/24", IDENTITY);
    m.addCluster(RUNNING, RUNNING);
  });
  afterEach(() => m.cleanup());

  it("a copy with its own subnet gets a cluster of its own name; its down leaves the running lab alone", async () => {
    copy(ipvs);
    const plan = io();
    expect(await runPlanCommand(["flannel-ipvs"], plan, m.project, deps.host)).toBe(0);
    expect(plan.out()).toContain("  cluster cnilab-flannel-ipvs: cnilab-flannel-ipvs-control-plane");
    const down = io();
    expect(await runDown(["flannel-ipvs"], down, deps)).toBe(0);
    expect(down.out()).toContain("No kind cluster cnilab-flannel-ipvs left.");
    expect(down.out()).not.toContain(RUNNING);
    expect([m.clusters(), m.networks()]).toEqual([[RUNNING], [RUNNING]]);
  });

  it("a copy naming the running lab's cluster: plan and up refuse it naming both, down leaves that cluster alone", async () => {
    copy((t) => `${ipvs(t)}  cnilab:clusterName: ${RUNNING}\n`);
    const plan = io();
    expect(await runToExit("plan", plan, () => runPlanCommand(["flannel-ipvs"], plan, m.project, deps.host))).toBe(2);
    expect(plan.out()).toBe("");
    expect(plan.err()).toBe(
      "cnilab plan: stacks/Pulumi.flannel-ipvs.yaml collides with another lab:\n" +
        `  stacks/Pulumi.flannel-ipvs.yaml: cnilab:clusterName: '${RUNNING}' is also the kind cluster of stack flannel-vxlan ` +
        "(stacks/Pulumi.flannel-vxlan.yaml); one would delete or adopt the other's: set a cnilab:clusterName of its own\n",
    );
    const up = io();
    expect(await runToExit("up", up, () => runUp(["flannel-ipvs"], up, deps))).toBe(2);
    expect(up.err()).toContain("cnilab:clusterName: 'cnilab-flannel-vxlan' is also the kind cluster of stack flannel-vxlan");
    expect(pulumiCalls()).toEqual([]);

    const down = io();
    expect(await runDown(["flannel-ipvs"], down, deps)).toBe(0);
    expect(down.out()).toContain(
      `kind cluster ${RUNNING} exists but is not this stack's (its nodes are on Docker network ${RUNNING}, stack flannel-vxlan's): left alone.`,
    );
    expect(down.out()).toContain(`Docker network ${RUNNING} exists and is stack flannel-vxlan's, not this stack's`);
    expect(m.calls("kind").some((c) => c.argv[0] === "delete")).toBe(false);
    expect([m.clusters(), m.networks()]).toEqual([[RUNNING], [RUNNING]]);
  });

  it("up refuses a subnet another Docker network on the machine holds, naming it, before pulumi up", async () => {
    copy(ipvs);
    m.addNetwork("team-net", "172.16.12.0/25");
    const up = io();
    expect(await runToExit("up", up, () => runUp(["flannel-ipvs"], up, deps))).toBe(2);
    expect(withoutWarnings(up.err(), "up")).toBe(
      "cnilab up: stacks/Pulumi.flannel-ipvs.yaml collides with another lab:\n" +
        "  stacks/Pulumi.flannel-ipvs.yaml: cnilab:nodeSubnet: 172.16.12.0/24 overlaps Docker network 'team-net' (172.16.12.0/25), " +
        'not made by a cnilab stack (no io.cnilab.* labels): Docker refuses a second network on it ("Pool overlaps"); choose another subnet\n',
    );
    // Refused before the stack exists: nothing in the backend, nothing written to the stack file.
    expect(pulumiCalls()).toEqual(["stack select --stack flannel-ipvs"]);
  });

  it("down of a stack whose file no longer validates says what it could not read and removes what carries its labels", async () => {
    copy(ipvs);
    m.addNetwork("cnilab-flannel-ipvs", "172.16.12.0/24", { ...IDENTITY, "io.cnilab.stack": "flannel-ipvs" });
    m.addCluster("cnilab-flannel-ipvs", "cnilab-flannel-ipvs");
    copy((t) => ipvs(t).replace("cnilab:workers", "cnilab:wokers"));
    const down = io();
    expect(await runDown(["flannel-ipvs"], down, deps)).toBe(0);
    expect(down.err()).toMatch(/^cnilab down: stacks\/Pulumi.flannel-ipvs.yaml is not a valid lab stack:\n {2}stacks\/Pulumi.flannel-ipvs.yaml: cnilab:wokers: .*\n/);
    expect(down.err()).toContain(
      "cnilab down: going on without it: destroying what the state recorded and removing what carries this stack's labels (io.cnilab.project=cnilab, io.cnilab.stack=flannel-ipvs).\n",
    );
    expect(down.out()).toContain("Removed the leftover kind cluster cnilab-flannel-ipvs.");
    expect(down.out()).toContain("Removed the leftover Docker network cnilab-flannel-ipvs.");
    expect([m.clusters(), m.networks()]).toEqual([[RUNNING], [RUNNING]]);
  });
});
