/**
 * Stable URNs: the Lab and everything in it keep their URNs when `cnilab:clusterName` changes, and
 * states written when the Lab was named after the cluster are taken over through aliases.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planLab } from "../../plan";
import { DYNAMIC_TYPE, NETWORK_TYPE, runLabStack, type StackRun } from "./run-stack";

let before: StackRun;
let renamed: StackRun;

beforeAll(async () => {
  before = await runLabStack("kindnet");
  renamed = await runLabStack("kindnet", { clusterName: "cnilab-renamed" });
}, 60_000);

const find = (run: StackRun, type: string) => run.recorded.find((r) => r.type === type)!;

describe("URNs do not follow cnilab:clusterName", () => {
  it("the same URNs, in the same order, for another cluster name", () => {
    expect(renamed.recorded.map((r) => r.urn)).toEqual(before.recorded.map((r) => r.urn));
    expect(find(before, "cnilab:lab:Lab").urn).toBe("urn:pulumi:kindnet::cnilab::cnilab:lab:Lab::lab");
  });

  it("the new name reaches the cluster and its Docker network as inputs (a replacement, not a second lab)", () => {
    expect(find(before, DYNAMIC_TYPE).inputs.clusterName).toBe("cnilab-kindnet");
    expect(find(renamed, DYNAMIC_TYPE).inputs.clusterName).toBe("cnilab-renamed");
    // The provider diffs the config as data (the YAML is only what kind reads).
    expect(find(renamed, DYNAMIC_TYPE).inputs.configData).toEqual(planLab(renamed.spec).kindConfig);
    const network = find(renamed, NETWORK_TYPE);
    expect(network.inputs.name).toBe("cnilab-renamed");
    expect(network.urn).toBe(find(before, NETWORK_TYPE).urn);
    // Same URN, new name: the provider replaces it, and deleteBeforeReplace frees the subnet first.
    expect(network.deleteBeforeReplace).toBe(true);
  });
});

describe("aliases carry over states named after the cluster", () => {
  it("the Lab is aliased to the cluster name", () => {
    expect(find(before, "cnilab:lab:Lab").aliases).toEqual([{ name: "cnilab-kindnet" }]);
    expect(find(renamed, "cnilab:lab:Lab").aliases).toEqual([{ name: "cnilab-renamed" }]);
  });

  // The SDK fills in the current parent; an alias URN takes only the parent's type chain from it.
  const formerName = (type: string) => find(before, type).aliases.flatMap((a) => ("name" in a && !("type" in a) ? [a.name] : []));

  it("the network, the cluster and the provider by their former names", () => {
    expect(formerName(NETWORK_TYPE)).toEqual(["cnilab-kindnet-cluster-network"]);
    expect(formerName(DYNAMIC_TYPE)).toEqual(["cnilab-kindnet-cluster-kind"]);
    expect(formerName("pulumi:providers:kubernetes")).toEqual(["cnilab-kindnet-k8s"]);
  });

  it("every resource under the Lab has one name alias: its name with the cluster name as prefix, same parent", () => {
    const children = before.recorded.filter((r) => r.type !== "cnilab:lab:Lab");
    expect(children.length).toBeGreaterThan(30);
    for (const r of children) {
      expect(r.name.startsWith("lab-"), r.name).toBe(true);
      // (@pulumi/kubernetes adds type aliases of its own: older API versions of the same kind.)
      expect(r.aliases.filter((a) => "name" in a && !("type" in a)), r.name).toEqual([{ name: `cnilab-kindnet-${r.name.slice("lab-".length)}`, parentUrn: r.parent }]);
    }
  });

  it("the network also by the type @pulumi/docker registered it as, under its name and under its former name", () => {
    const parentUrn = find(before, NETWORK_TYPE).parent;
    expect(find(before, NETWORK_TYPE).aliases).toEqual([
      { type: "docker:index/network:Network", parentUrn },
      { name: "cnilab-kindnet-cluster-network", parentUrn },
      { name: "cnilab-kindnet-cluster-network", type: "docker:index/network:Network", parentUrn },
    ]);
  });
});
