/**
 * Under Pulumi mocks: each Pulumi update a migration makes keeps the kind cluster (same URN, same
 * inputs, and the cluster and network providers' own diff says nothing to replace), and deletes and
 * creates exactly the resources the plan lists. The program is the real one (program.ts), run as
 * the stack with its backend changed, and with the CNI left out.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kindClusterProvider } from "../../components/cluster/provider";
import { dockerNetworkProvider } from "../../components/cluster/network-provider";
import { loadSpec, readStackFile } from "../../labs";
import { planMigration, type MigrationPlan, type MigrationStep } from "../../migrate/plan";
import { resourceUrn, withoutCni } from "../../migrate/resources";
import { planLab } from "../../plan";
import { labResources } from "../../plan/resources";
import { STACKS_DIR } from "../helpers/stacks";
import { DYNAMIC_TYPE, NETWORK_TYPE, runLabStack, type StackRun } from "../program/run-stack";

const STACK = "flannel-vxlan";
let vxlan: StackRun;
let hostGw: StackRun;
let bare: StackRun;
let calico: StackRun;

beforeAll(async () => {
  vxlan = await runLabStack(STACK);
  hostGw = await runLabStack(STACK, { backend: "flannel-host-gw" });
  bare = await runLabStack(STACK, {}, withoutCni);
  calico = await runLabStack(STACK, { backend: "calico-vxlan" });
}, 120_000);

async function plan(to: string): Promise<MigrationPlan> {
  const file = path.join(STACKS_DIR, `Pulumi.${STACK}.yaml`);
  const raw = readStackFile(file);
  const p = planMigration({ stack: STACK, file, from: planLab(await loadSpec(raw, file)), to: planLab(await loadSpec({ ...raw, backend: to }, file)), podSubnet: "10.244.0.0/16" });
  if ("refused" in p) throw new Error(p.refused);
  return p;
}
const updates = (p: MigrationPlan) => p.steps.filter((s): s is Extract<MigrationStep, { kind: "update" }> => s.kind === "update");

const find = (run: StackRun, type: string) => run.recorded.find((r) => r.type === type)!;

/**
 * The URN the engine gives a recorded registration: every ancestor's type, `$`-joined (the mocks put
 * only the parent's own type into theirs), walked from the registrations' own parent links.
 */
function engineUrn(run: StackRun, urn: string): string {
  const byUrn = new Map(run.recorded.map((r) => [r.urn, r]));
  const r = byUrn.get(urn)!;
  const types = [r.type];
  for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined) types.unshift(p.type);
  return `urn:pulumi:${STACK}::cnilab::${types.join("$")}::${r.name}`;
}
const urns = (run: StackRun) => new Set(run.recorded.map((r) => engineUrn(run, r.urn)));
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((u) => !b.has(u)).sort();

describe("the kind cluster is kept by every update of a migration", () => {
  const runs = () => ({ "backend flannel-host-gw": hostGw, "the CNI left out": bare, "backend calico-vxlan": calico });

  it("same URNs and inputs for the cluster component, the kind cluster and its Docker network", () => {
    for (const [what, run] of Object.entries(runs())) {
      for (const type of ["cnilab:cluster:KindCluster", DYNAMIC_TYPE, NETWORK_TYPE]) {
        expect(find(run, type).urn, `${what}: ${type}`).toBe(find(vxlan, type).urn);
        expect(find(run, type).inputs, `${what}: ${type}`).toEqual(find(vxlan, type).inputs);
      }
    }
  });

  it("the providers' own diff: no change, nothing to replace", async () => {
    for (const [what, run] of Object.entries(runs())) {
      const kind = await kindClusterProvider.diff!("cnilab-flannel-vxlan", find(vxlan, DYNAMIC_TYPE).inputs as never, find(run, DYNAMIC_TYPE).inputs as never);
      expect(kind, what).toMatchObject({ changes: false, replaces: [] });
      const network = await dockerNetworkProvider.diff!("net-id", { ...find(vxlan, NETWORK_TYPE).inputs, id: "net-id" } as never, find(run, NETWORK_TYPE).inputs as never);
      expect(network.changes ?? false, what).toBe(false);
      expect(network.replaces ?? [], what).toEqual([]);
    }
  });
});

describe("each update deletes and creates what the plan lists, by URN", () => {
  const planned = (stackPlan: Parameters<typeof labResources>[0], names: readonly { name: string; type: string; parent: string }[]) => {
    const list = labResources(stackPlan);
    return names.map((r) => resourceUrn(STACK, list, r)).sort();
  };

  it("vxlan → host-gw: the same resources; only the flannel release's values differ", async () => {
    const [upgrade] = updates(await plan("flannel-host-gw"));
    expect(upgrade).toMatchObject({ removed: [], added: [] });
    expect([...urns(hostGw)].sort()).toEqual([...urns(vxlan)].sort());
    const release = (run: StackRun) => run.recorded.find((r) => r.name === "lab-cni-flannel")!.inputs.values;
    expect(release(vxlan).flannel.backend).toBe("vxlan");
    expect(release(hostGw)).toEqual({ ...release(vxlan), flannel: { ...release(vxlan).flannel, backend: "host-gw" } });
    // Nothing else has other inputs: the update is a Helm upgrade of that release alone.
    const inputs = new Map(vxlan.recorded.map((r) => [r.urn, JSON.stringify(r.inputs)]));
    expect(hostGw.recorded.filter((r) => JSON.stringify(r.inputs) !== inputs.get(r.urn)).map((r) => r.name)).toEqual(["lab-cni-flannel"]);
  });

  it("flannel → calico: the CNI left out deletes exactly the plan's removed list, and installing calico creates its added list", async () => {
    const [uninstall, install] = updates(await plan("calico-vxlan"));
    expect(minus(urns(vxlan), urns(bare))).toEqual(planned(planLab(vxlan.spec), uninstall!.removed));
    expect(minus(urns(bare), urns(vxlan))).toEqual([]);
    expect(minus(urns(calico), urns(bare))).toEqual(planned(planLab(calico.spec), install!.added));
    expect(minus(urns(bare), urns(calico))).toEqual([]);
  });

  it("the probe Jobs the last update replaces are resources of the stack, by URN, each deleted before its replacement (fixed names)", async () => {
    const last = updates(await plan("calico-vxlan")).at(-1)!;
    const replace = planned(planLab(calico.spec), last.replace);
    expect(replace.length).toBeGreaterThan(10);
    for (const urn of replace) expect(urns(calico).has(urn), urn).toBe(true);
    const jobs = calico.recorded.filter((r) => replace.includes(engineUrn(calico, r.urn)));
    expect(jobs.map((j) => [j.name, j.deleteBeforeReplace]).filter(([, dbr]) => dbr !== true)).toEqual([]);
    expect(jobs).toHaveLength(replace.length);
  });
});
