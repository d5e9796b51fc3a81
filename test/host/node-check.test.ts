/**
 * `cnilab doctor`: the Node check against package.json's engines (read by this test from the file,
 * not from the code under test), and Docker-only labs as `--backend docker-<driver>`.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDoctor } from "../../cli/doctor";
import type { Check } from "../../host/check";
import type { Host } from "../../host/host";
import { checkNode, satisfies } from "../../host/node-check";
import { installFakes, type FakeMachine } from "../cli/fakes/install";
import { HEALTHY, makeRoot, type RootSpec } from "../cli/fakes/root";
import { captureIo } from "../cli/io";

const ENGINES = (JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { engines: { node: string } }).engines.node;

let m: FakeMachine;
const roots: string[] = [];
beforeEach(() => {
  m = installFakes();
});
afterEach(() => {
  m.cleanup();
  roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true }));
});
function host(spec: RootSpec = HEALTHY, node?: string): Host {
  const root = makeRoot(spec);
  roots.push(root);
  return { ...m.host(root), ...(node ? { node } : {}) };
}

describe("the Node check", () => {
  it.each<[string, string, boolean | undefined]>([
    ["22.12.0", ">=22.12.0", true],
    ["22.11.9", ">=22.12.0", false],
    ["24.21.0", ">=22.12.0", true],
    ["v20.19.0", ">=22.12.0", false],
    ["19.1.0", ">=18.0.0 <20.0.0 || >=22.0.0", true],
    ["21.0.0", ">=18.0.0 <20.0.0 || >=22.0.0", false],
    ["22.0.0", "^22.0.0", undefined],
  ])("Node %s against %s: %s", (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it("fails on a Node outside package.json's engines, naming the range and how to run a supported one", async () => {
    const io = captureIo(m.env);
    expect(await runDoctor(["--json"], io, host(HEALTHY, "20.19.0"))).toBe(1);
    const node = (JSON.parse(io.out()) as { checks: Check[] }).checks[0]!;
    expect(node).toMatchObject({ id: "node", status: "fail", message: `Node 20.19.0 is outside package.json engines.node "${ENGINES}"` });
    expect(node.fix).toContain("npx -y -p node@24");
    expect(checkNode("24.0.0", undefined).status).toBe("pass");
    expect(checkNode("24.0.0", "^24").status).toBe("warn");
  });
});

describe("doctor --backend docker-<driver>", () => {
  const ids = (out: string) => (JSON.parse(out) as { checks: Check[] }).checks.map((c) => [c.id, c.status]);

  it("a Docker-only lab is checked for Docker, Pulumi and its driver's link type; not for kind or cluster sizing", async () => {
    const noIpvlan = { ...HEALTHY, procModules: ["vxlan", "macvlan"], dep: ["vxlan", "macvlan"] };
    const io = captureIo(m.env);
    expect(await runDoctor(["--backend", "docker-ipvlan-l2", "--json"], io, host(noIpvlan))).toBe(1);
    expect(ids(io.out()).filter(([id]) => id !== "pulumi-plugins")).toEqual([
      ["node", "pass"],
      ["docker", "pass"],
      ["pulumi", "pass"],
      ["kernel-ipvlan", "fail"],
    ]);
    const bridge = captureIo(m.env);
    await runDoctor(["--backend", "docker-bridge"], bridge, host(noIpvlan));
    expect(bridge.out()).toMatch(/^cnilab doctor — Docker-only lab, bridge driver \(no kind cluster\)\n/);
    expect(bridge.out()).not.toMatch(/\n(pass|warn|fail) +(kind|kernel-|memory|disk)/);
  });

  it("a bad value lists the kind-cluster backends and the Docker-only labs, with the closest one", async () => {
    const io = captureIo(m.env);
    expect(await runDoctor(["--backend", "docker-bridg"], io, host()).catch((e: Error) => e.message)).toBe(
      "unknown backend 'docker-bridg' (did you mean 'docker-bridge'?); kind-cluster backends: kindnet, flannel-vxlan, flannel-vxlan-directrouting, " +
        "flannel-host-gw, flannel-udp, calico-ipip, calico-vxlan, calico-bgp, canal, macvlan, ipvlan-l2, ipvlan-l3; Docker-only labs: docker-bridge, docker-macvlan, docker-ipvlan-l2, docker-ipvlan-l3, docker-overlay, docker-host, docker-none",
    );
  });
});
