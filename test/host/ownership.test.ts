/**
 * What is whose on the machine (host/ownership.ts) and which claims collide (host/collisions.ts), as
 * data: a Docker view written out by hand, the state's recorded names, other stack files' claims.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { DockerView } from "../../host/docker-view";
import { fileCollisions, hostCollisions, type Claim } from "../../host/collisions";
import { NOTHING_RECORDED, ownedBy, recordedNames } from "../../host/ownership";
import { PROJECT_NAME } from "../../host/identity";
import { ROOT } from "../helpers/stacks";

const ids = (stack: string) => ({ "io.cnilab.project": "cnilab", "io.cnilab.stack": stack });

/** flannel-vxlan is up; someone's own "lab" network and a stray kind cluster named like ours. */
const VIEW: DockerView = {
  networks: [
    { name: "bridge", subnets: ["172.17.0.0/16"], labels: {} },
    { name: "cnilab-flannel-vxlan", subnets: ["172.30.2.0/24"], labels: ids("flannel-vxlan") },
    { name: "lab", subnets: ["172.30.12.0/25"], labels: { owner: "me" } },
  ],
  kindNodes: [
    { name: "cnilab-flannel-vxlan-control-plane", cluster: "cnilab-flannel-vxlan", networks: ["cnilab-flannel-vxlan"] },
    { name: "cnilab-flannel-vxlan-worker", cluster: "cnilab-flannel-vxlan", networks: ["cnilab-flannel-vxlan"] },
    { name: "cnilab-flannel-ipvs-control-plane", cluster: "cnilab-flannel-ipvs", networks: ["kind"] },
  ],
  containers: [
    { name: "cnilab-mv-wire", stack: "docker-macvlan" },
    { name: "cnilab-br-wire", stack: "docker-bridge" },
  ],
};

const claim = (stack: string, cluster: string, subnet: string): Claim => ({
  stack,
  source: `stacks/Pulumi.${stack}.yaml`,
  cluster,
  networks: [{ name: cluster, subnet, key: "cnilab:nodeSubnet" }],
});

describe("ownership", () => {
  it("the project label is Pulumi.yaml's project name", () => {
    expect((parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name).toBe(PROJECT_NAME);
  });

  it("a stack owns the networks with its labels and the clusters whose every node sits on one; a name alone owns nothing", () => {
    expect(ownedBy("flannel-vxlan", VIEW, NOTHING_RECORDED)).toEqual({
      clusters: ["cnilab-flannel-vxlan"],
      networks: [VIEW.networks[1]],
      containers: [],
    });
    // flannel-ipvs owns nothing, though a cluster is named like its default.
    expect(ownedBy("flannel-ipvs", VIEW, NOTHING_RECORDED)).toEqual({ clusters: [], networks: [], containers: [] });
    expect(ownedBy("docker-macvlan", VIEW, NOTHING_RECORDED).containers).toEqual(["cnilab-mv-wire"]);
  });

  it("what the state recorded is the stack's whatever its labels", () => {
    const recorded = recordedNames({
      resources: [
        { type: "pulumi:pulumi:Stack" },
        { type: "pulumi-nodejs:dynamic/cnilab:KindCluster", outputs: { clusterName: "cnilab-flannel-ipvs", network: "kind" } },
        { type: "pulumi-nodejs:dynamic/cnilab:DockerNetwork", outputs: { name: "lab" } },
        { type: "docker:index/network:Network", outputs: { name: "cnilab-br-net" } },
        { type: "docker:index/container:Container", outputs: { name: "cnilab-br-wire" } },
      ],
    });
    expect(recorded).toEqual({ clusters: ["cnilab-flannel-ipvs"], networks: ["lab", "cnilab-br-net"], containers: ["cnilab-br-wire"] });
    const owned = ownedBy("flannel-ipvs", VIEW, recorded);
    expect([owned.clusters, owned.networks.map((n) => n.name), owned.containers]).toEqual([["cnilab-flannel-ipvs"], ["lab"], ["cnilab-br-wire"]]);
    expect(recordedNames(undefined)).toEqual(NOTHING_RECORDED);
  });
});

describe("collisions", () => {
  it("another stack file's cluster name or overlapping node subnet names both files", () => {
    const mine = claim("flannel-ipvs", "cnilab-flannel-vxlan", "172.30.2.128/25");
    expect(fileCollisions(mine, [claim("flannel-vxlan", "cnilab-flannel-vxlan", "172.30.2.0/24"), claim("kindnet", "cnilab-kindnet", "172.30.1.0/24")])).toEqual([
      {
        source: "stacks/Pulumi.flannel-ipvs.yaml",
        path: "cnilab:clusterName",
        message:
          "'cnilab-flannel-vxlan' is also the kind cluster of stack flannel-vxlan (stacks/Pulumi.flannel-vxlan.yaml); one would delete or adopt the other's: set a cnilab:clusterName of its own",
      },
      {
        source: "stacks/Pulumi.flannel-ipvs.yaml",
        path: "cnilab:nodeSubnet",
        message:
          "172.30.2.128/25 overlaps cnilab:nodeSubnet 172.30.2.0/24 of stack flannel-vxlan (stacks/Pulumi.flannel-vxlan.yaml): Docker allows only one of the two networks at a time; give each stack its own subnet",
      },
    ]);
    // Its own file is not another stack.
    expect(fileCollisions(mine, [mine])).toEqual([]);
  });

  it("on the machine: another lab's cluster and network of the name, an overlapping network, each named with its owner", () => {
    const messages = hostCollisions(claim("flannel-ipvs", "cnilab-flannel-vxlan", "172.30.12.0/24"), VIEW, NOTHING_RECORDED).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      "cnilab:clusterName: a kind cluster 'cnilab-flannel-vxlan' already exists on this machine and is not this stack's (its nodes are on Docker network cnilab-flannel-vxlan, stack flannel-vxlan's); set another cnilab:clusterName, or remove that cluster through its own stack",
      "cnilab:nodeSubnet: Docker network 'cnilab-flannel-vxlan' already exists and is stack flannel-vxlan's; set another cnilab:clusterName, or remove that network",
      "cnilab:nodeSubnet: 172.30.12.0/24 overlaps Docker network 'lab' (172.30.12.0/25), not made by a cnilab stack (no io.cnilab.* labels): Docker refuses a second network on it (\"Pool overlaps\"); choose another subnet",
    ]);
  });

  it("the stack's own cluster and network (a second up) collide with nothing", () => {
    expect(hostCollisions(claim("flannel-vxlan", "cnilab-flannel-vxlan", "172.30.2.0/24"), VIEW, NOTHING_RECORDED)).toEqual([]);
  });
});
