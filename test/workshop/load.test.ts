/**
 * The workshop file and its stack: every problem at once, each with the file, the path, the value
 * and what is allowed; defaults resolved as the README says.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BACKENDS } from "../../backends/types";
import { InputError } from "../../input/error";
import { parseWorkshop } from "../../workshop/load";
import { loadWorkshopStack, planWorkshopStack } from "../../workshop/stack";
import { workshopsDir } from "./run-workshop";

const SOURCE = "workshops/w.yaml";
const problems = (text: string) => {
  try {
    parseWorkshop(text, SOURCE, "w");
  } catch (err) {
    if (err instanceof InputError) return err.message.split("\n");
    throw err;
  }
  throw new Error("accepted");
};

describe("a workshop file", () => {
  it("a count gives p1…pN, the backends rotate, networks and ports follow the position", () => {
    const w = parseWorkshop("lab: netpol\nbackend: [kindnet, calico-ipip]\nparticipants: 3\n", SOURCE, "w");
    expect(w.participants).toEqual([
      { name: "p1", index: 0, backend: "kindnet", clusterName: "w-p1", nodeSubnet: "172.16.128.0/24", apiPort: 20443 },
      { name: "p2", index: 1, backend: "calico-ipip", clusterName: "w-p2", nodeSubnet: "172.16.129.0/24", apiPort: 20444 },
      { name: "p3", index: 2, backend: "kindnet", clusterName: "w-p3", nodeSubnet: "172.16.130.0/24", apiPort: 20445 },
    ]);
    expect(w.hosts).toEqual([{ id: "local", address: "127.0.0.1", cacheAddress: "172.17.0.1" }]);
    expect(w.workers).toBe(2);
  });

  it("names and ssh hosts", () => {
    const w = parseWorkshop("lab: netpol\nbackend: kindnet\nparticipants: [ana, bo]\nhosts: [local, 'ssh://me@192.0.2.10:2222']\n", SOURCE, "w");
    expect(w.participants.map((p) => p.clusterName)).toEqual(["w-ana", "w-bo"]);
    expect(w.hosts[1]).toEqual({ id: "192-0-2-10", dockerHost: "ssh://me@192.0.2.10:2222", address: "192.0.2.10", cacheAddress: "192.0.2.10" });
  });

  it("schema problems name the file, the path, the value and what is allowed", () => {
    expect(problems("lab: netpol\nbackend: flanel-vxlan\nparticipants: 0\nhost: [local]\n")).toEqual([
      `workshops/w.yaml: backend: expected ${BACKENDS.map((b) => `'${b}'`).join(" or ")} or a list, got string 'flanel-vxlan'`,
      "workshops/w.yaml: participants: must be at least 1 (got 0)",
      "workshops/w.yaml: host: unknown key 'host' (did you mean 'hosts'?); allowed keys: lab, backend, participants, hosts, workers, subnetPool, apiPortBase, limits, terminals",
    ]);
  });

  it("cross-field problems: the lab, duplicates, a pool in Docker's pools, a host that is no IP", () => {
    expect(problems("lab: netpl\nbackend: kindnet\nparticipants: [ana, ana]\nsubnetPool: 172.18.0.0/16\nhosts: ['ssh://me@lab-host']\n")).toEqual([
      "workshops/w.yaml: lab: no lab 'netpl' in labs/ (did you mean 'netpol'?); labs: netpol, netpol-universe, pod-basics, storage",
      "workshops/w.yaml: participants[1]: 'ana' is listed twice; each participant needs their own name",
      "workshops/w.yaml: subnetPool: 172.18.0.0/16 overlaps 172.18.0.0/15, one of Docker's default address pools; use a range outside 172.17.0.0/16, 172.18.0.0/15, 172.20.0.0/14, 172.24.0.0/13, 192.168.0.0/16, 10.0.0.0/8, 10.244.0.0/16, 10.96.0.0/16",
      "workshops/w.yaml: hosts[0]: 'lab-host' is not an IPv4 address; set address: to the IP participants reach this host on",
      "workshops/w.yaml: hosts[0]: 'lab-host' is not an IPv4 address; set cacheAddress: to the host's IP its containers reach",
    ]);
  });

  it("a Docker-only lab is refused: a participant gets a kind cluster", () => {
    expect(problems("lab: docker-host\nbackend: kindnet\nparticipants: 2\n")).toEqual([
      "workshops/w.yaml: lab: 'docker-host' is a Docker-only lab (no cluster per participant); cluster labs: netpol, netpol-universe, pod-basics, storage",
    ]);
  });

  it("a cluster name (<workshop>-<participant>) longer than kind names here allow", () => {
    expect(() => parseWorkshop("lab: netpol\nbackend: kindnet\nparticipants: [twenty-characters-ab]\n", SOURCE, "a-workshop-name-of-25-chr")).toThrow(
      "workshops/w.yaml: participants[0]: cluster name 'a-workshop-name-of-25-chr-twenty-characters-ab' (<workshop>-<participant>) has 46 characters, at most 40 allowed; shorten the name",
    );
  });

  it("more participants than the pool holds", () => {
    expect(problems("lab: netpol\nbackend: kindnet\nparticipants: 5\nsubnetPool: 172.16.200.0/22\n")).toEqual([
      "workshops/w.yaml: participants: 5 participants, but subnetPool 172.16.200.0/22 holds 4 /24 node networks; widen the pool",
    ]);
  });
});

describe("a workshop stack", () => {
  const dir = workshopsDir("demo", "lab: netpol\nbackend: kindnet\nparticipants: 1\n");

  it("sets only cnilab:workshop, in the file named after the workshop", () => {
    expect(() => loadWorkshopStack({ workshop: "demo", backend: "kindnet" }, "stacks/Pulumi.workshop-other.yaml", dir)).toThrow(
      [
        "stacks/Pulumi.workshop-other.yaml: cnilab:backend: a workshop stack sets cnilab:workshop (and, for one update, cnilab:chartDirs or cnilab:cachesOnly or cnilab:cacheMode); the workshop file (workshops/<name>.yaml) holds the rest",
        "stacks/Pulumi.workshop-other.yaml: cnilab:workshop: workshop 'demo' belongs in stacks/Pulumi.workshop-demo.yaml (its caches and clusters carry that stack's labels); this file is stack 'workshop-other'",
      ].join("\n"),
    );
  });

  it("a workshop file that is not there is named, with the ones that are", () => {
    expect(() => loadWorkshopStack({ workshop: "dem" }, "stacks/Pulumi.workshop-dem.yaml", dir)).toThrow(/cnilab:workshop: 'dem': there is no .*dem\.yaml \(did you mean 'demo'\?\); workshops: demo$/);
  });
});

describe("a workshop stack's settings for one update", () => {
  const dir = workshopsDir("demo", "lab: netpol\nbackend: kindnet\nparticipants: 2\n");
  const source = "stacks/Pulumi.workshop-demo.yaml";

  it("cachesOnly: the hosts' caches and no lab", async () => {
    const plan = await planWorkshopStack({ workshop: "demo", cachesOnly: "true" }, source, dir);
    expect(plan.participants).toEqual([]);
    expect(plan.hosts.map((h) => [h.host.id, h.cache.containers.length > 0, h.participants])).toEqual([["local", true, []]]);
  });

  it("chartDirs: checked as a lab stack's, and given to every participant", async () => {
    await expect(planWorkshopStack({ workshop: "demo", chartDirs: JSON.stringify({ flannel: "relative/dir" }) }, source, dir)).rejects.toThrow(/cnilab:chartDirs\["flannel"\]/);
    const chart = mkdtempSync(join(tmpdir(), "cnilab-chart-"));
    await expect(planWorkshopStack({ workshop: "demo", chartDirs: { "flannel-none": chart } }, source, dir)).rejects.toThrow(
      `stacks/Pulumi.workshop-demo.yaml: cnilab:chartDirs["flannel-none"]: 'flannel-none' is not a chart cnilab installs; allowed: flannel, crd.projectcalico.org.v1, tigera-operator`,
    );
  });
});
