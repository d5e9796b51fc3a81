/**
 * The host, none and overlay stacks' plans as data: each written out by hand from what Docker does
 * (docker/drivers-predefined.ts, docker/drivers-overlay.ts cite it), and the lab/driver pairs the
 * spec refuses before anything runs.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { bindResult, loadDockerSpec, loadDockerStackSpec, overlayLines, overlayNetns, parseMtu, parseVxlan, planDockerLab, type DockerDriver } from "../../docker";
import { SpecError, type SpecProblem } from "../../labs/errors";
import { DOCKER_LAB_IMAGES } from "../../pins";
import { STACKS_DIR } from "../helpers/stacks";

const planOf = (driver: DockerDriver) => planDockerLab(loadDockerStackSpec(path.join(STACKS_DIR, `Pulumi.docker-${driver}.yaml`)));
const PROBE = ["node", "/probe/probe.js", "--plan", "/probe/plan.json"];

function messagesOf(lab: string, dockerDriver: DockerDriver): string[] {
  try {
    loadDockerSpec({ lab, dockerDriver }, "s.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).problems.map((p: SpecProblem) => `${p.path}: ${p.message}`);
  }
  throw new Error("expected a SpecError, got none");
}

describe("docker-host", () => {
  const plan = planOf("host");

  it("no networks; every container on Docker's host network, servers on the host's loopback only", () => {
    expect(plan.networks).toEqual([]);
    expect(plan.containers.map((c) => [c.name, c.role, c.networkMode, c.networksAdvanced, c.command.join(" ")])).toEqual([
      ["cnilab-host-web", "server", "host", [], "httpd -f -p 127.0.0.1:7412 -h /"],
      ["cnilab-host-web-again", "clash", "host", [], "timeout 5 httpd -f -p 127.0.0.1:7412 -h /"],
      ["cnilab-host-client", "client", "host", [], PROBE.join(" ")],
    ]);
  });

  it("the clash runs to its exit with a TTY, so its log is plain text and its exit code is read", () => {
    const clash = plan.containers.find((c) => c.role === "clash")!;
    expect([clash.attach, clash.logs, clash.mustRun, clash.tty, clash.image]).toEqual([true, true, false, true, DOCKER_LAB_IMAGES.busybox]);
  });

  it("probes: the server on the client's own loopback connects; the second bind of its port is in-use", () => {
    expect(plan.probes.map((p) => [p.id, p.group, p.client, p.to, p.port, p.expect])).toEqual([
      ["client->web:7412/tcp", "shared-namespace", "client", "127.0.0.1", 7412, "connected"],
      ["client->web:7412/http", "shared-namespace", "client", "127.0.0.1", 7412, "connected"],
      ["web-again->web:7412/tcp", "bind", "web-again", "127.0.0.1", 7412, "in-use"],
    ]);
    expect(plan.probes[2]!.why).toMatch(/EADDRINUSE/);
  });
});

describe("docker-none", () => {
  const plan = planOf("none");

  it("the server and the control client on a bridge network; the isolated client on Docker's none network", () => {
    expect(plan.networks.map((n) => [n.name, n.driver, n.internal, n.attachable, n.ipamConfigs])).toEqual([
      ["cnilab-none-lan", "bridge", false, false, [{ subnet: "10.1.215.0/24", gateway: "10.1.215.1" }]],
    ]);
    expect(plan.containers.map((c) => [c.labName, c.role, c.networkMode ?? c.networksAdvanced[0]!.ipv4Address])).toEqual([
      ["web", "server", "10.1.215.10"],
      ["control", "client", "10.1.215.9"],
      ["isolated", "client", "none"],
    ]);
  });

  it("the control client connects; every probe from the isolated one, the host's bridge address too, is no-route", () => {
    expect(plan.probes.map((p) => [p.id, p.group, p.to, p.expect])).toEqual([
      ["control->web:80/tcp", "same-subnet", "10.1.215.10", "connected"],
      ["isolated->web:80/tcp", "no-interface", "10.1.215.10", "no-route"],
      ["isolated->web:80/http", "no-interface", "10.1.215.10", "no-route"],
      ["isolated->host:7411/tcp", "no-interface", "10.1.215.1", "no-route"],
    ]);
    expect(plan.probes[1]!.why).toMatch(/ENETUNREACH/);
  });
});

describe("docker-overlay", () => {
  const plan = planOf("overlay");

  it("swarm mode on loopback, labelled with the stack's identity, before an attachable internal overlay network", () => {
    expect(plan.swarm).toEqual({
      name: "cnilab-ov-swarm",
      advertiseAddress: "127.0.0.1",
      listenAddress: "127.0.0.1:2377",
      dataPathAddress: "127.0.0.1",
      nodeLabels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "docker-overlay" },
    });
    expect(plan.networks.map((n) => [n.name, n.driver, n.internal, n.attachable, n.options, n.ipamConfigs])).toEqual([
      ["cnilab-ov-ov", "overlay", true, true, {}, [{ subnet: "10.1.216.0/24", gateway: "10.1.216.1" }]],
    ]);
  });

  it("the two containers connect over the overlay; the host is not probed, saying why", () => {
    expect(plan.probes.map((p) => [p.id, p.to, p.expect])).toEqual([
      ["client->web:80/tcp", "10.1.216.10", "connected"],
      ["client->web:80/http", "10.1.216.10", "connected"],
    ]);
    expect(plan.skipped.map((s) => s.id)).toEqual(["client->host:7411/tcp"]);
    expect(plan.skipped[0]!.reason).toMatch(/br0 inside the network's own namespace/);
  });

  it("the other drivers need no swarm", () => {
    for (const d of ["bridge", "macvlan", "host", "none"] as const) expect(planOf(d).swarm).toBeUndefined();
  });
});

describe("lab and driver that do not fit are refused before anything runs", () => {
  it("the host lab under bridge: its containers name no network, and bridge has no predefined one", () => {
    expect(messagesOf("docker-host", "bridge")).toEqual([
      "cnilab:dockerDriver: server 'web' of lab 'docker-host' names no network, and bridge has no predefined network to run it on (host, none have)",
      "cnilab:dockerDriver: server 'web-again' of lab 'docker-host' names no network, and bridge has no predefined network to run it on (host, none have)",
      "cnilab:dockerDriver: client 'client' of lab 'docker-host' names no network, and bridge has no predefined network to run it on (host, none have)",
    ]);
  });

  it("the drivers lab under host: every container is on a network, which host cannot give it", () => {
    const messages = messagesOf("docker-drivers", "host");
    expect(messages).toContain("cnilab:dockerDriver: server 'web-a' of lab 'docker-drivers' is on network 'lan', but under host every container runs in the host's namespace: drop its network and address");
    expect(messages).toContain("cnilab:dockerDriver: lab 'docker-drivers' has networks, but under host no container can be on them; use a lab without networks");
  });

  it("the drivers lab under overlay: its cross-subnet probes take a path the overlay facts do not cover", () => {
    expect(messagesOf("docker-drivers", "overlay")).toEqual([
      "cnilab:dockerDriver: lab 'docker-drivers' probes client-a->web-b:80/tcp, a cross-subnet path, which the overlay driver's facts do not cover (they cover same-subnet, host)",
      "cnilab:dockerDriver: lab 'docker-drivers' probes client-b->web-a:80/tcp, a cross-subnet path, which the overlay driver's facts do not cover (they cover same-subnet, host)",
    ]);
  });

  it("the none lab under macvlan: no parentNetwork for the lab-made parent, and a client without a network", () => {
    expect(messagesOf("docker-none", "macvlan")).toEqual([
      "cnilab:dockerDriver: macvlan hangs containers off a parent interface: give lab 'docker-none' a parentNetwork (the Linux bridge the lab makes), or set cnilab:parent",
      "cnilab:dockerDriver: client 'isolated' of lab 'docker-none' names no network, and macvlan has no predefined network to run it on (host, none have)",
    ]);
  });
});

describe("a clash container's exit and log", () => {
  it("EADDRINUSE in the log and a non-zero exit: in-use, with its words", () => {
    expect(bindResult("b", { exitCode: 1, log: "httpd: bind: Address already in use\r\n" })).toEqual({
      id: "b",
      ok: true,
      outcome: "in-use",
      latencyMs: 0,
      attempts: 1,
      detail: "httpd: bind: Address already in use (exit 1)",
    });
  });

  it("served until `timeout` stopped it (the port was free): an error saying so, never a pass", () => {
    expect(bindResult("b", { exitCode: 143, log: "" })).toMatchObject({ outcome: "error", detail: "no bind failure: it exited 143 within its 5 s bound, last said: (no output)" });
    expect(bindResult("b", { exitCode: 0, log: "Address already in use" }).outcome).toBe("error");
  });
});

describe("the overlay's evidence, read back (docker/overlay-evidence.ts)", () => {
  // The shape iproute2 6.1's `ip -j -d -s link show type vxlan` prints in the overlay's namespace,
  // trimmed to the fields read (values as test/docker/overlay.real.test.ts saw them here).
  const LINK = JSON.stringify([
    { ifindex: 2484, ifname: "vxlan0", mtu: 1450, master: "br0", linkinfo: { info_kind: "vxlan", info_data: { id: 4097, port: 4789, learning: true } }, stats64: { rx: { packets: 0 }, tx: { packets: 0 } } },
  ]);

  it("parses the VXLAN device, the netns from the folder's listing, and busybox's eth0 line", () => {
    expect(parseVxlan(LINK)).toEqual({ ifname: "vxlan0", mtu: 1450, master: "br0", vni: 4097, port: 4789, txPackets: 0 });
    expect(parseVxlan("[]")).toBeUndefined();
    expect(overlayNetns("uli5blrqcx1234abcd", ["default", "1-uli5blrqcx", "ingress_sbox"])).toBe("/var/run/docker/netns/1-uli5blrqcx");
    expect(parseMtu("9: eth0@if10: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1450 qdisc noqueue \\    link/ether 02:42:0a:01:d8:0a")).toBe(1450);
  });

  it("says each reading beside the facts, and what it could not read", () => {
    const vxlan = parseVxlan(LINK)!;
    expect(overlayLines({ network: "cnilab-ov-ov", vni: "4097", netns: "/var/run/docker/netns/1-x", vxlan, containerMtu: 1400, unread: ["eth0 of web: gone"] })).toEqual([
      "  cnilab-ov-ov: VNI 4097 (com.docker.network.driver.overlay.vxlanid_list; swarm networks take VNIs from 4096 up, ingress has 4096)",
      "  /var/run/docker/netns/1-x: vxlan0 vxlan id 4097 dstport 4789 mtu 1450, port of br0 (expected: UDP 4789, MTU 1450 = 1500 − 50)",
      "  vxlan0 has sent 0 packets: on one node br0 switches between the containers, nothing is encapsulated (only traffic to other nodes would be)",
      "  a container's eth0: mtu 1400 (expected 1450)",
      "  not read: eth0 of web: gone",
    ]);
    expect(overlayLines({ network: "n", vxlan: { ...vxlan, txPackets: 12 }, netns: "x", unread: [] })[2]).toBe("  vxlan0 has sent 12 packets: VXLAN-encapsulated towards other nodes of the swarm");
  });
});
