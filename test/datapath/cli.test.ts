import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import type { Io } from "../../cli/command";

function capture(): { io: Io; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    io: { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: process.cwd(), env: {} },
    out: () => out,
    err: () => err,
  };
}

describe("cnilab datapath: arguments and root", () => {
  afterEach(() => vi.restoreAllMocks());

  it("refuses to run without root, saying why, exit 2", async () => {
    vi.spyOn(process, "getuid").mockReturnValue(1000);
    const c = capture();
    expect(await main(["datapath", "up", "flannel-vxlan"], c.io)).toBe(2);
    expect(c.err()).toContain("cnilab datapath up: needs root (it creates network namespaces, veth pairs, bridges and iptables rules)");
  });

  it("names an unknown backend and lists the known ones, exit 2", async () => {
    const c = capture();
    expect(await main(["datapath", "up", "flannel-wireguard"], c.io)).toBe(2);
    expect(c.err()).toContain("unknown backend 'flannel-wireguard'; backends: kindnet, flannel-vxlan,");
  });

  it("wants a verb and a node count in range", async () => {
    const c = capture();
    expect(await main(["datapath", "start", "macvlan"], c.io)).toBe(2);
    expect(c.err()).toContain("expected a verb (up|probe|bench|explain|down), got 'start'");
    expect(await main(["datapath", "up", "macvlan", "--nodes", "9"], c.io)).toBe(2);
    expect(c.err()).toContain("--nodes: must be an integer 2..8, got 9");
  });

  it("is listed in cnilab --help", async () => {
    const c = capture();
    expect(await main(["--help"], c.io)).toBe(0);
    expect(c.out()).toMatch(/datapath\s+build a backend's datapath in network namespaces/);
  });
});
