/** The doctor's kernel checks over /proc, /sys, /lib/modules and kernel-config fixtures: statuses and fixes. */
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { BACKENDS } from "../../backends";
import type { Check } from "../../host/check";
import type { Host } from "../../host/host";
import { checkKernel } from "../../host/kernel-check";
import { makeRoot, type RootSpec } from "../cli/fakes/root";

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function hostOn(spec: RootSpec): Host {
  const root = makeRoot(spec);
  roots.push(root);
  return { root, env: {}, cwd: root, run: async () => ({ code: null, stdout: "", stderr: "", failure: "not-found" }), statfs: async () => ({ freeBytes: 0, totalBytes: 0 }) };
}

/** The release fakes/root.ts writes by default. */
const R = "6.1.0-test-amd64";

describe("checkKernel: statuses and fixes", () => {
  const byId = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

  it("one backend: a missing module fails, a loadable one warns with modprobe", () => {
    const host = hostOn({ procModules: [], builtin: [], dep: ["br_netfilter"], config: { CONFIG_VXLAN: "n", CONFIG_BRIDGE_NETFILTER: "m" }, ipForward: 1 });
    const checks = byId(checkKernel(host, ["flannel-vxlan"]));
    expect(Object.keys(checks)).toEqual(["kernel-br_netfilter", "kernel-vxlan", "ip-forward"]);
    expect(checks["kernel-vxlan"]).toEqual({
      id: "kernel-vxlan",
      status: "fail",
      message: "vxlan (for flannel-vxlan): not in this kernel (CONFIG_VXLAN is not set in /proc/config.gz)",
      fix: "use a kernel built with CONFIG_VXLAN (=y or =m)",
    });
    expect(checks["kernel-br_netfilter"]).toEqual({
      id: "kernel-br_netfilter",
      status: "warn",
      message: `br_netfilter (for flannel-vxlan): a module that is not loaded (modules.dep of ${R})`,
      fix: "sudo modprobe br_netfilter (list it in /etc/modules-load.d/ to keep it after a reboot)",
    });
    expect(checks["ip-forward"]!.status).toBe("pass");
  });

  it("all backends: a module some backends lack warns and names them; present ones pass", () => {
    const host = hostOn({ sysModules: { vxlan: "builtin" }, bridgeNf: true, config: { CONFIG_MACVLAN: "y", CONFIG_IPVLAN: "n", CONFIG_NET_IPIP: "n" }, ipForward: 1 });
    const checks = byId(checkKernel(host, BACKENDS));
    expect(checks["kernel-ipvlan"]).toMatchObject({ status: "warn", message: expect.stringMatching(/^ipvlan \(for ipvlan-l2, ipvlan-l3\): not in this kernel/), fix: expect.stringContaining("or use a backend that does not need it") });
    expect(checks["kernel-ipip"]).toMatchObject({ status: "warn", message: expect.stringMatching(/^ipip \(for calico-ipip\)/) });
    expect(checks["kernel-vxlan"]).toMatchObject({ status: "pass", message: "vxlan (for flannel-vxlan, flannel-vxlan-directrouting, flannel-host-gw, calico-vxlan, canal): built into the kernel (/sys/module/vxlan)" });
    expect(checks["kernel-macvlan"]).toMatchObject({ status: "pass" });
    expect(checks["kernel-br_netfilter"]).toMatchObject({ status: "pass" });
  });

  it("a backend that needs no module checks only ip_forward", () => {
    expect(checkKernel(hostOn({ ipForward: 1 }), ["kindnet"]).map((c) => c.id)).toEqual(["ip-forward"]);
  });

  it("unknown evidence warns with a modprobe to try", () => {
    const [check] = checkKernel(hostOn({ ipForward: 1 }), ["macvlan"]);
    expect(check).toMatchObject({ id: "kernel-macvlan", status: "warn", fix: "sudo modprobe macvlan; if that fails, the kernel lacks it" });
  });

  it("ip_forward = 0 fails for every backend; unreadable warns", () => {
    expect(checkKernel(hostOn({ ipForward: 0 }), ["kindnet"])[0]).toMatchObject({
      id: "ip-forward",
      status: "fail",
      fix: "sudo sysctl -w net.ipv4.ip_forward=1 (dockerd sets it when it starts, unless run with --ip-forward=false)",
    });
    expect(checkKernel(hostOn({}), ["kindnet"])[0]).toMatchObject({ id: "ip-forward", status: "warn" });
  });
});
