/**
 * The Workshop component under Pulumi mocks: the shipped workshop-demo, and 20 participants over two
 * hosts split by their declared capacity. Names unique, node networks disjoint, one Docker provider
 * and one registry cache per host, every cluster mirroring through its own host's cache, and a
 * participant added at the end changing nobody else's URNs or inputs.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { mustParseCidr, overlaps } from "../../ip/cidr";
import { ROOT } from "../helpers/stacks";
import { DYNAMIC_TYPE, NETWORK_TYPE } from "../program/run-stack";
import { runWorkshop, type WorkshopRun } from "./run-workshop";

const CACHE = "cnilab:workshop:RegistryCache";
const CONTAINER = "docker:index/container:Container";
/** The registries the pinned images and charts come from, each cached once per host. */
const UPSTREAMS = ["docker.io", "gcr.io", "ghcr.io", "quay.io", "registry.k8s.io"];
const twentyOverTwoHosts = (count: number) => `
lab: netpol
backend: [kindnet, flannel-vxlan]
participants: ${count}
workers: 1
hosts:
  - { docker: local, memoryGiB: 14 }
  - { docker: "ssh://lab@10.9.8.7", memoryGiB: 42 }
`;

let demo: WorkshopRun;
let twenty: WorkshopRun;
let twentyOne: WorkshopRun;

beforeAll(async () => {
  demo = await runWorkshop("demo", readFileSync(path.join(ROOT, "workshops/demo.yaml"), "utf8"));
  twenty = await runWorkshop("big", twentyOverTwoHosts(20));
  twentyOne = await runWorkshop("big", twentyOverTwoHosts(21));
}, 400_000);

const ofType = (run: WorkshopRun, type: string) => run.recorded.filter((r) => r.type === type);
/** Each kind cluster's inputs with the hosts.toml files of its mirrors, read from the config kind gets. */
const clusters = (run: WorkshopRun): Record<string, any>[] => ofType(run, DYNAMIC_TYPE).map((r) => ({ ...r.inputs, config: parse(r.inputs.config as string) }));

describe("workshop-demo: three participants, the netpol lab, this machine's Docker", () => {
  it("one lab per participant, each with its own cluster name, network, subnet and API port", async () => {
    const kinds = clusters(demo);
    expect(kinds.map((k) => k.clusterName)).toEqual(["demo-p1", "demo-p2", "demo-p3"]);
    expect(ofType(demo, NETWORK_TYPE).map((n) => n.inputs.subnet)).toEqual(["172.16.128.0/24", "172.16.129.0/24", "172.16.130.0/24"]);
    expect(kinds.map((k) => k.config.networking.apiServerPort)).toEqual([20443, 20444, 20445]);
    expect(kinds.every((k) => k.config.networking.apiServerAddress === "127.0.0.1" && k.dockerHost === undefined)).toBe(true);
    // The host's Docker pulls the node image through the local cache (docker.io's, on loopback).
    expect(kinds.every((k) => k.config.nodes.every((n: { image: string }) => n.image.startsWith("127.0.0.1:5101/kindest/node:v1.")))).toBe(true);
    expect(ofType(demo, "cnilab:lab:Lab").map((l) => l.name)).toEqual(["lab-p1", "lab-p2", "lab-p3"]);
  });

  it("one registry cache on the local host, a container per upstream, every cluster mirrored through it", async () => {
    expect(ofType(demo, CACHE).map((c) => c.name)).toEqual(["cache-local"]);
    expect(ofType(demo, CONTAINER)).toHaveLength(UPSTREAMS.length);
    for (const k of clusters(demo)) {
      expect(k.config.containerdConfigPatches?.[0]).toContain('config_path = "/etc/containerd/certs.d"');
      expect((k.registryHosts as { host: string; toml: string }[]).map((f) => f.host).sort()).toEqual(UPSTREAMS);
    }
  });

  it("every Docker object carries the workshop stack's identity", async () => {
    for (const n of ofType(demo, NETWORK_TYPE)) expect(n.inputs.labels["io.cnilab.stack"]).toBe("workshop-demo");
    for (const c of ofType(demo, CONTAINER)) expect(c.inputs.labels).toContainEqual({ label: "io.cnilab.stack", value: "workshop-demo" });
  });
});

describe("20 participants over two hosts", () => {
  it("names unique and node networks pairwise disjoint", () => {
    const names = clusters(twenty).map((k) => k.clusterName as string);
    expect(new Set(names).size).toBe(20);
    const subnets = ofType(twenty, NETWORK_TYPE).map((n) => mustParseCidr(n.inputs.subnet as string));
    expect(subnets).toHaveLength(20);
    for (let i = 0; i < subnets.length; i++) for (let j = i + 1; j < subnets.length; j++) expect(overlaps(subnets[i]!, subnets[j]!)).toBe(false);
    expect(new Set(clusters(twenty).map((k) => k.config.networking.apiServerPort)).size).toBe(20);
  });

  it("split by declared capacity: the 42 GiB host takes three times the 14 GiB host's share", () => {
    const remote = clusters(twenty).filter((k) => k.dockerHost === "ssh://lab@10.9.8.7");
    const local = clusters(twenty).filter((k) => k.dockerHost === undefined);
    expect([local.length, remote.length]).toEqual([5, 15]);
    // Reached on their host's address; the remote host's networks are made on that host too.
    expect(remote.every((k) => k.config.networking.apiServerAddress === "10.9.8.7")).toBe(true);
    expect(ofType(twenty, NETWORK_TYPE).filter((n) => n.inputs.dockerHost === "ssh://lab@10.9.8.7")).toHaveLength(15);
  });

  it("one Docker provider and one cache per host; the remote one talks to its host", () => {
    const providers = ofType(twenty, "pulumi:providers:docker");
    expect(providers.map((p) => [p.name, p.inputs.host])).toEqual([
      ["docker-local", undefined],
      ["docker-10-9-8-7", "ssh://lab@10.9.8.7"],
    ]);
    const caches = ofType(twenty, CACHE);
    expect(caches.map((c) => c.name)).toEqual(["cache-local", "cache-10-9-8-7"]);
    // Each cache's containers go through its own host's provider.
    for (const [i, cache] of caches.entries()) {
      const containers = ofType(twenty, CONTAINER).filter((c) => c.parent === cache.urn);
      expect(containers).toHaveLength(UPSTREAMS.length);
      for (const c of containers) expect(c.provider?.startsWith(providers[i]!.urn)).toBe(true);
    }
  });

  it("every cluster mirrors every upstream through its own host's cache (hosts.toml endpoints on that host's cache address)", () => {
    for (const k of clusters(twenty)) {
      const expected = k.dockerHost === undefined ? "http://172.17.0.1:" : "http://10.9.8.7:";
      const files = k.registryHosts as { host: string; toml: string }[];
      expect(files.map((f) => f.host).sort(), k.clusterName).toEqual(UPSTREAMS);
      for (const f of files) expect(f.toml, `${k.clusterName} ${f.host}`).toContain(`[host."${expected}`);
      expect(k.config.containerdConfigPatches?.[0]).toContain('config_path = "/etc/containerd/certs.d"');
    }
  });

  it("adding a participant at the end adds one lab and changes no other resource's URN or inputs", () => {
    const before = new Map(twenty.recorded.map((r) => [r.urn, r]));
    const after = new Map(twentyOne.recorded.map((r) => [r.urn, r]));
    for (const [urn, r] of before) {
      expect(after.has(urn), urn).toBe(true);
      expect(after.get(urn)!.inputs, urn).toEqual(r.inputs);
    }
    const added = [...after.keys()].filter((urn) => !before.has(urn));
    expect(added.filter((u) => u.endsWith("cnilab:lab:Lab::lab-p21"))).toHaveLength(1);
    // Everything new sits in that one lab.
    expect(added.every((u) => u.includes("::lab-p21"))).toBe(true);
  });
});
