import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DOCKER_DRIVERS,
  loadDockerSpec,
  loadDockerStackSpec,
  planDockerLab,
  withProbeBundle,
  type DockerDriver,
  type DockerLabPlan,
} from "../../docker";
import { DOCKER_LAB_IMAGES } from "../../pins";
import { validatePlan } from "../../probe/plan";
import { ROOT, STACKS_DIR } from "../helpers/stacks";
import { containerCreateRequest, networkCreateBody, uploadArchive } from "./engine";

const BUNDLE = "/* probe bundle */\n";
/** The drivers whose stacks run the docker-drivers lab (host, none, overlay have labs of their own: modes.test.ts). */
const DRIVERS_LAB = ["bridge", "macvlan", "ipvlan-l2", "ipvlan-l3"] as const satisfies readonly DockerDriver[];
type DriversLabDriver = (typeof DRIVERS_LAB)[number];
const planOf = (driver: DockerDriver): DockerLabPlan =>
  withProbeBundle(planDockerLab(loadDockerStackSpec(path.join(STACKS_DIR, `Pulumi.docker-${driver}.yaml`))), BUNDLE);
/** The stack each name prefix is the default of. */
const STACK_OF: Record<string, string> = { "cnilab-br": "docker-bridge", "cnilab-mv": "docker-macvlan", "cnilab-ipvl2": "docker-ipvlan-l2", "cnilab-ipvl3": "docker-ipvlan-l3" };
const labels = (name: string, role: string) => [
  { label: "io.cnilab.project", value: "cnilab" },
  { label: "io.cnilab.stack", value: STACK_OF[name] },
  { label: "cnilab.name", value: name },
  { label: "cnilab.lab", value: "docker-drivers" },
  { label: "cnilab.role", value: role },
];
const BOTH_SUBNETS = [
  { subnet: "192.168.214.0/24", gateway: "192.168.214.1" },
  { subnet: "10.1.214.0/24", gateway: "10.1.214.1" },
];

describe("networks of each stack", () => {
  it("bridge: one bridge network per subnet (the driver takes one), no parent", () => {
    const plan = planOf("bridge");
    expect(plan.parent.kind).toBe("none");
    expect(plan.networks).toEqual([
      { name: "cnilab-br-lan-0", role: "lab", driver: "bridge", options: {}, internal: false, attachable: false, ipamConfigs: [BOTH_SUBNETS[0]], labels: labels("cnilab-br", "lab") },
      { name: "cnilab-br-lan-1", role: "lab", driver: "bridge", options: {}, internal: false, attachable: false, ipamConfigs: [BOTH_SUBNETS[1]], labels: labels("cnilab-br", "lab") },
    ]);
  });

  it.each([
    ["macvlan", "cnilab-mv", "macvlan", { macvlan_mode: "bridge" }, BOTH_SUBNETS],
    ["ipvlan-l2", "cnilab-ipvl2", "ipvlan", { ipvlan_mode: "l2" }, BOTH_SUBNETS],
    // Docker ignores the gateway in L3 mode (the default route is the device), so none is sent.
    ["ipvlan-l3", "cnilab-ipvl3", "ipvlan", { ipvlan_mode: "l3" }, [{ subnet: "192.168.214.0/24" }, { subnet: "10.1.214.0/24" }]],
  ] as const)("%s: a lab-made internal parent bridge, then one network with both subnets on it", (driver, name, docker, mode, ipam) => {
    const plan = planOf(driver);
    expect(plan.parent).toEqual({
      kind: "lab-made",
      device: `${name}-br`,
      network: `${name}-parent`,
      address: "10.255.214.1",
      note: `the lab made its own parent, the Linux bridge ${name}-br (Docker network ${name}-parent, internal): no lab traffic touches the host's uplink`,
    });
    expect(plan.networks).toEqual([
      {
        name: `${name}-parent`,
        role: "parent",
        driver: "bridge",
        options: { "com.docker.network.bridge.name": `${name}-br` },
        internal: true,
        attachable: false,
        ipamConfigs: [{ subnet: "10.255.214.0/24", gateway: "10.255.214.1" }],
        labels: labels(name, "parent"),
      },
      { name: `${name}-lan`, role: "lab", driver: docker, options: { ...mode, parent: `${name}-br` }, internal: false, attachable: false, ipamConfigs: ipam, labels: labels(name, "lab") },
    ]);
  });

  it("a host parent replaces the lab-made bridge and its wire", () => {
    const spec = loadDockerSpec({ lab: "docker-drivers", dockerDriver: "macvlan", parent: "eth1", parentAddress: "172.16.5.2" }, "s.yaml");
    const plan = planDockerLab(spec);
    expect(plan.parent).toEqual({
      kind: "host",
      device: "eth1",
      address: "172.16.5.2",
      note: "containers hang off the host's eth1 (cnilab:parent): lab traffic goes onto that link and whatever it connects to",
    });
    expect(plan.networks.map((n) => [n.name, n.options])).toEqual([["cnilab-mv-lan", { macvlan_mode: "bridge", parent: "eth1" }]]);
    expect(plan.containers.map((c) => c.role)).not.toContain("wire");
    expect(plan.probes.find((p) => p.toLabel === "host")!.to).toBe("172.16.5.2");
  });

  it("a host parent without its address: the host probe is skipped, saying which key to set", () => {
    const plan = planDockerLab(loadDockerSpec({ lab: "docker-drivers", dockerDriver: "ipvlan-l2", parent: "eth1" }, "s.yaml"));
    expect(plan.skipped).toEqual([
      { id: "client-a->host:7411/tcp", group: "host", reason: "the host's address on eth1 is not known: set cnilab:parentAddress to probe 'host'" },
    ]);
  });
});

describe("containers", () => {
  it("macvlan: the wire on the parent, servers with httpd, clients running the probe, each at its fixed address", () => {
    const plan = planOf("macvlan");
    expect(plan.containers.map((c) => [c.name, c.role, c.image, c.networksAdvanced, c.command.join(" ")])).toEqual([
      ["cnilab-mv-wire", "wire", DOCKER_LAB_IMAGES.busybox, [{ name: "cnilab-mv-parent", ipv4Address: "10.255.214.2" }], "sleep 2147483647"],
      ["cnilab-mv-web-a", "server", DOCKER_LAB_IMAGES.busybox, [{ name: "cnilab-mv-lan", ipv4Address: "192.168.214.10" }], "httpd -f -p 80 -h /"],
      ["cnilab-mv-web-b", "server", DOCKER_LAB_IMAGES.busybox, [{ name: "cnilab-mv-lan", ipv4Address: "10.1.214.10" }], "httpd -f -p 80 -h /"],
      ["cnilab-mv-client-a", "client", DOCKER_LAB_IMAGES.probe, [{ name: "cnilab-mv-lan", ipv4Address: "192.168.214.9" }], "node /probe/probe.js --plan /probe/plan.json"],
      ["cnilab-mv-client-b", "client", DOCKER_LAB_IMAGES.probe, [{ name: "cnilab-mv-lan", ipv4Address: "10.1.214.9" }], "node /probe/probe.js --plan /probe/plan.json"],
    ]);
    expect(plan.images).toEqual([DOCKER_LAB_IMAGES.busybox, DOCKER_LAB_IMAGES.probe]);
  });

  it("bridge: each container lands on the bridge network of its subnet", () => {
    expect(planOf("bridge").containers.map((c) => [c.labName, c.networksAdvanced[0]!.name])).toEqual([
      ["web-a", "cnilab-br-lan-0"],
      ["web-b", "cnilab-br-lan-1"],
      ["client-a", "cnilab-br-lan-0"],
      ["client-b", "cnilab-br-lan-1"],
    ]);
  });

  it("clients run to completion with a TTY (plain-text logs) and carry the bundle and a valid probe plan", () => {
    const plan = planOf("ipvlan-l3");
    for (const c of plan.containers) {
      const client = c.role === "client";
      expect([c.attach, c.logs, c.mustRun, c.tty, c.init]).toEqual([client, client, !client, client, true]);
      if (!client) {
        expect(c.uploads).toEqual([]);
        continue;
      }
      const [bundle, planFile] = c.uploads;
      expect(bundle).toEqual({ file: "/probe/probe.js", content: BUNDLE });
      expect(planFile!.file).toBe("/probe/plan.json");
      const check = validatePlan(JSON.parse(planFile!.content));
      expect(check.ok).toBe(true);
      const ids = check.ok ? check.plan.probes.map((p) => p.id) : [];
      expect(ids).toEqual(plan.probes.filter((p) => p.client === c.labName).map((p) => p.id));
    }
  });
});

describe("expectations come from the driver facts", () => {
  // probe id → expected outcomes per driver; "skip" = not probed, with a reason.
  const table: Record<string, Record<DriversLabDriver, string>> = {
    "client-a->web-a:80/tcp": { bridge: "connected", macvlan: "connected", "ipvlan-l2": "connected", "ipvlan-l3": "connected" },
    "client-a->web-b:80/tcp": { bridge: "timeout", macvlan: "no-route", "ipvlan-l2": "no-route", "ipvlan-l3": "connected" },
    "client-b->web-a:80/tcp": { bridge: "timeout", macvlan: "no-route", "ipvlan-l2": "no-route", "ipvlan-l3": "connected" },
    "client-b->web-b:80/http": { bridge: "connected", macvlan: "connected", "ipvlan-l2": "connected", "ipvlan-l3": "connected" },
    "client-a->host:7411/tcp": { bridge: "connected|refused", macvlan: "no-route", "ipvlan-l2": "no-route", "ipvlan-l3": "skip" },
  };

  it.each(DRIVERS_LAB)("%s", (driver) => {
    const plan = planOf(driver);
    const got = Object.fromEntries([
      ...plan.probes.map((p) => [p.id, [p.expect, ...(p.accept ?? [])].join("|")]),
      ...plan.skipped.map((s) => [s.id, "skip"]),
    ]);
    expect(got).toEqual(Object.fromEntries(Object.entries(table).map(([id, row]) => [id, row[driver]])));
    for (const p of plan.probes) expect(p.why.length).toBeGreaterThan(20);
  });

  it("the host is the client's bridge gateway for bridge, the parent's address otherwise", () => {
    expect(planOf("bridge").probes.find((p) => p.toLabel === "host")!.to).toBe("192.168.214.1");
    expect(planOf("macvlan").probes.find((p) => p.toLabel === "host")!.to).toBe("10.255.214.1");
  });
});

describe("Engine API mapping", () => {
  it("a network: name, driver, options, internal, IPAM and labels", () => {
    expect(networkCreateBody(planOf("ipvlan-l3").networks[1]!)).toEqual({
      Name: "cnilab-ipvl3-lan",
      Driver: "ipvlan",
      CheckDuplicate: true,
      Internal: false,
      Attachable: false,
      Options: { ipvlan_mode: "l3", parent: "cnilab-ipvl3-br" },
      IPAM: { Driver: "default", Config: [{ Subnet: "192.168.214.0/24" }, { Subnet: "10.1.214.0/24" }] },
      Labels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "docker-ipvlan-l3", "cnilab.name": "cnilab-ipvl3", "cnilab.lab": "docker-drivers", "cnilab.role": "lab" },
    });
  });

  it("a container: image, command, TTY, init and its one endpoint with the fixed address", () => {
    const client = planOf("macvlan").containers.find((c) => c.labName === "client-b")!;
    expect(containerCreateRequest(client)).toEqual({
      name: "cnilab-mv-client-b",
      body: {
        Image: DOCKER_LAB_IMAGES.probe,
        Cmd: ["node", "/probe/probe.js", "--plan", "/probe/plan.json"],
        Tty: true,
        Labels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "docker-macvlan", "cnilab.name": "cnilab-mv", "cnilab.lab": "docker-drivers", "cnilab.role": "client" },
        HostConfig: { NetworkMode: "cnilab-mv-lan", Init: true },
        NetworkingConfig: { EndpointsConfig: { "cnilab-mv-lan": { IPAMConfig: { IPv4Address: "10.1.214.9" } } } },
      },
    });
  });

  it("the uploads archive unpacks with tar into exactly the uploaded files", () => {
    const uploads = planOf("bridge").containers.find((c) => c.role === "client")!.uploads;
    const big = { file: "/probe/big.txt", content: "é".repeat(700) + "\n" }; // multi-block, non-ASCII
    const dir = mkdtempSync(path.join(tmpdir(), "cnilab-tar-"));
    try {
      execFileSync("tar", ["-x", "-C", dir], { input: uploadArchive([...uploads, big]) });
      for (const u of [...uploads, big]) expect(readFileSync(path.join(dir, u.file), "utf8")).toBe(u.content);
      const listing = execFileSync("tar", ["-tv"], { input: uploadArchive(uploads) }).toString();
      expect(listing).toMatch(/^-rw-r--r-- .* probe\/probe\.js$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it("every docker stack file loads and is named after its driver", () => {
  for (const driver of DOCKER_DRIVERS) {
    const spec = loadDockerStackSpec(path.join(ROOT, "stacks", `Pulumi.docker-${driver}.yaml`));
    expect(spec.stack.dockerDriver).toBe(driver);
  }
});
