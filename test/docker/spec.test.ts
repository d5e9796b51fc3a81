import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { isDockerLab, loadDockerSpec, parseDockerLab, parseDockerStack, type DockerLab } from "../../docker";
import { SpecError, type SpecProblem } from "../../labs";
import { ROOT } from "../helpers/stacks";

const LAB_FILE = path.join(ROOT, "labs/docker-drivers.yaml");
const SOURCE = "labs/docker-drivers.yaml";
const baseLab = (): DockerLab => parse(readFileSync(LAB_FILE, "utf8")) as DockerLab;

/** The problems a bad input raises; fails the test if it raises none or something else. */
function problemsOf(fn: () => unknown): SpecProblem[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return [...(err as SpecError).problems];
  }
  throw new Error("expected a SpecError, got none");
}

const labProblems = (edit: (lab: DockerLab) => void): SpecProblem[] => {
  const lab = baseLab();
  edit(lab);
  return problemsOf(() => parseDockerLab(stringify(lab), SOURCE));
};

describe("docker stack settings", () => {
  it("defaults the name prefix per driver", () => {
    expect(parseDockerStack({ lab: "docker-drivers", dockerDriver: "ipvlan-l3" }, "s.yaml")).toEqual({
      lab: "docker-drivers",
      dockerDriver: "ipvlan-l3",
      name: "cnilab-ipvl3",
      // No image map: every image as pinned.
      imageMap: {},
      stackName: "s",
      source: "s.yaml",
    });
  });

  it("an unknown mode names the key, the value, the closest driver and every allowed one", () => {
    expect(problemsOf(() => parseDockerStack({ lab: "docker-drivers", dockerDriver: "ipvlan-l4" }, "stacks/Pulumi.x.yaml"))).toEqual([
      {
        source: "stacks/Pulumi.x.yaml",
        path: "cnilab:dockerDriver",
        message: "'ipvlan-l4' is not allowed (did you mean 'ipvlan-l2'?); allowed: bridge, macvlan, ipvlan-l2, ipvlan-l3, overlay, host, none",
      },
    ]);
  });

  it("an unknown key is an error with a hint, not ignored", () => {
    const [p] = problemsOf(() => parseDockerStack({ lab: "docker-drivers", dockerDriver: "macvlan", parnet: "br0" }, "s.yaml"));
    expect(p).toEqual({
      source: "s.yaml",
      path: "cnilab:parnet",
      message: "unknown key 'parnet' (did you mean 'parent'?); allowed keys: lab, dockerDriver, parent, parentAddress, name, imageMap",
    });
  });

  it("refuses a parent for the bridge driver, an address without a parent, and a name too long for the bridge device", () => {
    expect(problemsOf(() => parseDockerStack({ lab: "l", dockerDriver: "bridge", parent: "eth1" }, "s.yaml")).map((p) => p.path)).toEqual(["cnilab:parent"]);
    expect(problemsOf(() => parseDockerStack({ lab: "l", dockerDriver: "macvlan", parentAddress: "10.0.0.1" }, "s.yaml")).map((p) => p.path)).toEqual([
      "cnilab:parentAddress",
    ]);
    const [long] = problemsOf(() => parseDockerStack({ lab: "l", dockerDriver: "macvlan", name: "a-very-long-lab" }, "s.yaml"));
    expect(long!.message).toBe(
      "'a-very-long-lab' makes the lab's parent bridge 'a-very-long-lab-br', longer than Linux's 15-character interface names; use at most 12 characters",
    );
    // With a host parent no bridge is made, so the long name is fine.
    expect(parseDockerStack({ lab: "l", dockerDriver: "macvlan", name: "a-very-long-lab", parent: "eth1" }, "s.yaml").name).toBe("a-very-long-lab");
  });

  it("tells a docker lab file from a cluster one", () => {
    expect(isDockerLab("docker-drivers")).toBe(true);
    expect(isDockerLab("netpol")).toBe(false);
    expect(isDockerLab("no-such-lab")).toBe(false);
    expect(problemsOf(() => loadDockerSpec({ lab: "netpol", dockerDriver: "bridge" }, "s.yaml"))[0]!.message).toBe(
      "labs/netpol.yaml is not a Docker lab (it must exist and say 'type: docker')",
    );
  });

  it("ipvlan L3 wants the parent's address on another subnet than the containers", () => {
    const raw = { lab: "docker-drivers", dockerDriver: "ipvlan-l3", parent: "eth1", parentAddress: "10.1.214.200" };
    expect(problemsOf(() => loadDockerSpec(raw, "s.yaml"))).toEqual([
      {
        source: "s.yaml",
        path: "cnilab:parentAddress",
        message: "10.1.214.200 is inside the lab subnet 10.1.214.0/24; in L3 mode the parent routes, so its address must be on another subnet",
      },
    ]);
  });
});

describe("docker lab file", () => {
  it("the shipped lab parses", () => {
    const lab = parseDockerLab(readFileSync(LAB_FILE, "utf8"), SOURCE);
    expect(lab.networks[0]!.subnets.map((s) => s.subnet)).toEqual(["192.168.214.0/24", "10.1.214.0/24"]);
    expect(lab.probes.every((p) => ["tcp", "http"].includes(p.protocol))).toBe(true);
  });

  it("an address outside its network's subnets names the field and the subnets", () => {
    expect(labProblems((lab) => (lab.servers[0]!.address = "172.16.0.10"))).toEqual([
      { source: SOURCE, path: "servers[0].address", message: "172.16.0.10 is outside network 'lan' (subnets: 192.168.214.0/24, 10.1.214.0/24)" },
    ]);
  });

  it("two containers with one address: the second names the first", () => {
    expect(labProblems((lab) => (lab.clients[1]!.address = "192.168.214.10"))).toEqual([
      {
        source: SOURCE,
        path: "clients[1].address",
        message: "192.168.214.10 is already the address of servers[0] (web-a); two containers cannot share one address",
      },
    ]);
  });

  it("gateway, network and broadcast addresses are not container addresses (the default gateway included)", () => {
    const problems = labProblems((lab) => {
      lab.servers[0]!.address = "192.168.214.1";
      lab.servers[1]!.address = "10.1.214.255";
      lab.clients[0]!.address = "192.168.214.0";
      delete lab.networks[0]!.subnets[1]!.gateway;
      lab.clients[1]!.address = "10.1.214.1";
    });
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ["servers[0].address", "192.168.214.1 is the gateway of 192.168.214.0/24"],
      ["servers[1].address", "10.1.214.255 is the broadcast address of 10.1.214.0/24"],
      ["clients[0].address", "192.168.214.0 is the network address of 192.168.214.0/24"],
      ["clients[1].address", "10.1.214.1 is the gateway of 10.1.214.0/24"],
    ]);
  });

  it("overlapping subnets, a gateway outside its subnet and host bits are all reported at once", () => {
    const problems = labProblems((lab) => {
      lab.parentNetwork = { subnet: "192.168.214.128/25", gateway: "192.168.214.129" };
      lab.networks[0]!.subnets[0]!.gateway = "192.168.215.1";
      lab.networks[0]!.subnets[1]!.subnet = "10.1.214.0/16";
    });
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ["networks[0].subnets[0].subnet", "192.168.214.0/24 overlaps 192.168.214.128/25 (parentNetwork.subnet); Docker refuses overlapping subnets"],
      ["networks[0].subnets[0].gateway", "192.168.215.1 is outside 192.168.214.0/24"],
      ["networks[0].subnets[1].subnet", "'10.1.214.0/16' has host bits set (did you mean 10.1.0.0/16?)"],
    ]);
  });

  it("probes must come from a client and go to a server or the host, with did-you-mean", () => {
    const problems = labProblems((lab) => {
      lab.probes[0]!.from = "web-a";
      lab.probes[1]!.to = "web-c";
      lab.probes[4] = { from: "client-a", to: "host", protocol: "tcp" };
      lab.clients[0]!.network = "lna";
    });
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ["clients[0].network", "no network named 'lna' (did you mean 'lan'?); networks: lan"],
      ["probes[0].from", "no client named 'web-a'; clients: client-a, client-b"],
      ["probes[1].to", "no server named 'web-c' (did you mean 'web-a'?); servers: web-a, web-b (or 'host' for the host's own address)"],
      ["probes[4].port", "a probe to 'host' needs a port (nothing in the lab decides which one the host serves)"],
    ]);
  });

  it("a UDP probe is refused with the protocols the lab's servers speak", () => {
    expect(labProblems((lab) => ((lab.probes[0] as { protocol: string }).protocol = "udp"))).toEqual([
      { source: SOURCE, path: "probes[0].protocol", message: "'udp' is not allowed (did you mean 'tcp'?); allowed: tcp, http" },
    ]);
  });

  it("macvlan and ipvlan take one network per parent", () => {
    const dir = path.join(ROOT, "test/docker/fixtures");
    const problems = problemsOf(() => loadDockerSpec({ lab: "invalid-two-networks", dockerDriver: "macvlan" }, "s.yaml", dir));
    expect(problems).toEqual([
      {
        source: "s.yaml",
        path: "cnilab:dockerDriver",
        message:
          "lab 'invalid-two-networks' has 2 networks, but macvlan allows one network per parent interface (Docker refuses a second one on a parent in use); give the lab one network with several subnets, or use bridge or overlay",
      },
    ]);
    expect(loadDockerSpec({ lab: "invalid-two-networks", dockerDriver: "bridge" }, "s.yaml", dir).lab.networks).toHaveLength(2);
  });
});
