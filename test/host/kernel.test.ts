/**
 * host/kernel.ts, the one rule for kernel features: what the kernel's files say (fixture trees), how
 * making the device overrules them, and, on this machine as root, that the two sources agree.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { detectFeature, featureFromTry, featurePresent, kernelFeatures, readKernelInventory, KERNEL_FEATURES, type FeatureEvidence, type KernelFeature } from "../../host/kernel";
import { makeRoot, type RootSpec } from "../cli/fakes/root";

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function detect(spec: RootSpec, feature: KernelFeature): FeatureEvidence {
  const root = makeRoot(spec);
  roots.push(root);
  return detectFeature({ root }, readKernelInventory({ root }), feature);
}

const R = "6.1.0-test-amd64";

describe("detectFeature: where the evidence comes from", () => {
  it.each<[string, RootSpec, KernelFeature, FeatureEvidence]>([
    ["listed in /proc/modules", { procModules: ["vxlan"] }, "vxlan", { state: "loaded", evidence: "/proc/modules" }],
    ["/sys/module with initstate (a loaded module)", { sysModules: { ipvlan: "loaded" } }, "ipvlan", { state: "loaded", evidence: "/sys/module/ipvlan" }],
    ["/sys/module without initstate (built in, with parameters)", { sysModules: { vxlan: "builtin" } }, "vxlan", { state: "builtin", evidence: "/sys/module/vxlan" }],
    ["br_netfilter's sysctl exists", { bridgeNf: true }, "br_netfilter", { state: "loaded", evidence: "/proc/sys/net/bridge/bridge-nf-call-iptables exists" }],
    ["modules.builtin", { builtin: ["macvlan"], dep: [] }, "macvlan", { state: "builtin", evidence: `modules.builtin of ${R}` }],
    ["CONFIG_…=y in /proc/config.gz", { config: { CONFIG_MACVLAN: "y" } }, "macvlan", { state: "builtin", evidence: "CONFIG_MACVLAN=y in /proc/config.gz" }],
    ["CONFIG_…=y in /boot/config-<release>", { config: { CONFIG_VXLAN: "y" }, configAt: "/boot" }, "vxlan", { state: "builtin", evidence: `CONFIG_VXLAN=y in /boot/config-${R}` }],
    ["modules.dep (loadable, not loaded)", { procModules: [], builtin: [], dep: ["ipip"] }, "ipip", { state: "loadable", evidence: `modules.dep of ${R}` }],
    ["CONFIG_…=m without modules.dep", { procModules: [], config: { CONFIG_IPVLAN: "m" } }, "ipvlan", { state: "loadable", evidence: "CONFIG_IPVLAN=m in /proc/config.gz" }],
    [
      "CONFIG_…=m but the module file is not installed",
      { procModules: [], dep: ["vxlan"], config: { CONFIG_IPVLAN: "m" } },
      "ipvlan",
      { state: "absent", evidence: `CONFIG_IPVLAN=m in /proc/config.gz, but modules.dep of ${R} has no ipvlan.ko (modules package not installed?)` },
    ],
    ["CONFIG_… is not set", { config: { CONFIG_NET_IPIP: "n" } }, "ipip", { state: "absent", evidence: "CONFIG_NET_IPIP is not set in /proc/config.gz" }],
    ["neither modules.builtin nor modules.dep lists it", { procModules: [], builtin: ["bridge"], dep: ["vxlan"] }, "ipvlan", { state: "absent", evidence: `neither modules.builtin nor modules.dep of ${R} lists ipvlan` }],
    ["nothing readable", {}, "vxlan", { state: "unknown", evidence: "no /proc/modules, /sys/module entry, modules.dep or kernel config says" }],
  ])("%s", (_why, spec, module, expected) => {
    expect(detect(spec, module)).toEqual(expected);
  });

  it("treats '-' and '_' in module file names alike, as modprobe does", () => {
    expect(detect({ procModules: [], builtin: [], dep: ["br-netfilter"] }, "br_netfilter").state).toBe("loadable");
  });

  it("prefers 'loaded' over what the config says", () => {
    expect(detect({ procModules: ["ipvlan"], config: { CONFIG_IPVLAN: "m" } }, "ipvlan").state).toBe("loaded");
  });
});

describe("featureFromTry: making the device overrules the files", () => {
  const loadable: FeatureEvidence = { state: "loadable", evidence: "modules.dep of 6.1.0" };
  it.each<[string, { made: boolean; words: string }, FeatureEvidence, FeatureEvidence]>([
    [
      "a module the files call loadable that the kernel refuses (booted with nomodule) is absent",
      { made: false, words: "Error: Unknown device type." },
      loadable,
      { state: "absent", evidence: "ip link add type ipvlan: Error: Unknown device type. (the files said: loadable, modules.dep of 6.1.0)" },
    ],
    [
      "a loadable module the kernel autoloads while making the device is loaded",
      { made: true, words: "" },
      loadable,
      { state: "loaded", evidence: "ip link add type ipvlan made one (the files said: loadable, modules.dep of 6.1.0)" },
    ],
    ["a built-in keeps the files' more precise word", { made: true, words: "" }, { state: "builtin", evidence: "/sys/module/ipvlan" }, { state: "builtin", evidence: "/sys/module/ipvlan" }],
  ])("%s", (_why, tried, files, expected) => {
    expect(featureFromTry("ipvlan", tried, files)).toEqual(expected);
  });
});

/** Root with `ip netns`: the only way to ask the kernel itself. */
function cannotAskKernel(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to make devices in a namespace";
  const r = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? undefined : `ip netns unusable: ${(r.stderr || r.error?.message || "").trim()}`;
}
const noKernel = cannotAskKernel();
if (noKernel) console.log(`host/kernel: skipping the real-kernel agreement: ${noKernel}`);

describe.skipIf(noKernel !== undefined)("this machine's kernel", () => {
  it("the files never call present what the kernel refuses to make, nor absent what it makes", () => {
    const files = kernelFeatures({ root: "/" });
    const tried = kernelFeatures({ root: "/" }, { tryInNamespace: `cnilab-dp-kerneltest.${process.pid}` });
    for (const f of KERNEL_FEATURES) {
      const label = `${f}: files say ${files[f].state} (${files[f].evidence}); trying says ${tried[f].evidence}`;
      if (featurePresent(tried[f])) expect(files[f].state, label).not.toBe("absent");
      else expect(featurePresent(files[f]), label).toBe(false);
    }
  });
});
