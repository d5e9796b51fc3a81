/**
 * `cnilab migrate`: its help, its refusals (exit 2 with the reason), and `--dry-run` printing every
 * step with no Docker on PATH and the stack file left as it was.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../cli/commands";
import { main } from "../../cli/main";
import { ROOT } from "../helpers/stacks";
import { captureIo } from "./io";

/** No docker, kind or pulumi can be found: PATH names a folder that does not exist. */
async function cli(...argv: string[]) {
  const io = captureIo({ PATH: "/nonexistent" }, ROOT);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("cnilab migrate", () => {
  it("is registered, and --help has usage, what it refuses, exit status and examples", async () => {
    expect(COMMANDS.map((c) => c.name)).toContain("migrate");
    const { code, out, err } = await cli("migrate", "--help");
    expect([code, err]).toEqual([0, ""]);
    expect(out).toMatch(/^Usage: cnilab migrate <stack> --to <backend> \[--dry-run\]/);
    expect(out).toContain("Refused, with the reason (exit 2): to or from kindnet");
    expect(out).toContain("Exit status: 0");
    expect(out).toMatch(/\nExamples\n {2}cnilab migrate flannel-vxlan --to flannel-host-gw --dry-run\n/);
  });

  it("--dry-run prints every step with what it removes and why, without Docker, and changes no file", async () => {
    const file = join(ROOT, "stacks", "Pulumi.flannel-vxlan.yaml");
    const before = readFileSync(file, "utf8");
    const { code, out, err } = await cli("migrate", "flannel-vxlan", "--to", "calico-vxlan", "--dry-run");
    expect([code, err]).toEqual([0, ""]);
    expect(out).toContain("Migration of stack flannel-vxlan: flannel-vxlan → calico-vxlan");
    expect(out).toContain("[node-cleanup] a privileged Job on every node");
    expect(out).toContain("removes: bridge device cni0 — ");
    expect(out).toContain("7. [verify] cnilab verify flannel-vxlan as calico-vxlan");
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it.each([
    [["kindnet", "--to", "flannel-vxlan"], "cannot migrate kindnet → flannel-vxlan in place: kindnet is kind's own CNI"],
    [["flannel-vxlan", "--to", "kindnet"], "cannot migrate flannel-vxlan → kindnet in place: kindnet is kind's own CNI"],
    [["flannel-vxlan", "--to", "macvlan"], "cannot migrate flannel-vxlan → macvlan in place: macvlan makes each pod a macvlan sub-interface of the node's eth0"],
    [["flannel-host-gw", "--to", "ipvlan-l3"], "cannot migrate flannel-host-gw → ipvlan-l3 in place: ipvlan-l3 makes each pod an ipvlan-l3 sub-interface"],
    [["flannel-vxlan", "--to", "flannel-vxlan"], "the stack's backend is already flannel-vxlan: nothing to migrate"],
    [["docker-macvlan", "--to", "flannel-vxlan"], "a Docker-only lab (lab 'docker-drivers', no Kubernetes); cnilab migrate works on the kind-cluster stacks"],
    [["flannel-vxlan", "--to", "flanel-host-gw"], "--to: unknown backend 'flanel-host-gw' (did you mean 'flannel-host-gw'?)"],
    [["flannel-vxlan"], "missing --to <backend>; backends: kindnet, flannel-vxlan"],
  ])("refuses %j with the reason, exit 2", async (argv, reason) => {
    const { code, out, err } = await cli("migrate", ...argv, "--dry-run");
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain(reason);
  });
});
