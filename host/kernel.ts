/**
 * The kernel features cnilab uses, and one rule for telling whether this kernel has them, strongest
 * evidence first:
 *  1. the kernel makes the device: `ip link add` in a throwaway namespace (module autoloading
 *     included). Only where namespaces may be made (root) and the caller asks, because it loads
 *     modules as a side effect: the datapath labs, which build these devices next anyway.
 *  2. the kernel's own files: loaded (/proc/modules, /sys/module/<m>, a file it creates), built in
 *     (modules.builtin, CONFIG_…=y), loadable (modules.dep, CONFIG_…=m); absent only when the
 *     kernel says so. Unprivileged and read-only: what `cnilab doctor` uses. Built-ins count, so a
 *     module missing from /proc/modules is never taken as absent.
 * kind nodes are containers sharing the host's kernel: what the host lacks, every node lacks.
 */
import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { KERNEL_FEATURES, type KernelFeature } from "../backends/types";
import { hostPathExists, readHostBytes, readHostFile, type MachineRoot } from "./machine";

// The closed set is what backends ask for (backends/types.ts); this module detects its members.
export { KERNEL_FEATURES, type KernelFeature };

export const FEATURE_STATES = ["loaded", "builtin", "loadable", "absent", "unknown"] as const;
export type FeatureState = (typeof FEATURE_STATES)[number];

export interface FeatureEvidence {
  state: FeatureState;
  /** Where the answer came from, e.g. "CONFIG_IPVLAN is not set in /proc/config.gz". */
  evidence: string;
}

/** The kernel can make it now: loaded or built in ("loadable" still needs a modprobe or an autoload). */
export function featurePresent(e: FeatureEvidence): boolean {
  return e.state === "loaded" || e.state === "builtin";
}

interface FeatureFacts {
  /** The Kconfig symbol that builds it. */
  config: string;
  /** A file that exists only while the feature is loaded. */
  marker?: string;
  /** `ip link add <name> <these args>` makes one; sub-interfaces hang off a bridge named fparent. */
  link?: readonly string[];
  /** Or the whole `ip` command that makes one, for a device `ip link add` cannot make (a TUN device). */
  ipArgs?: readonly string[];
}

export const FEATURE_FACTS: Readonly<Record<KernelFeature, FeatureFacts>> = {
  veth: { config: "CONFIG_VETH", link: ["type", "veth", "peer", "name", "fpeer"] },
  bridge: { config: "CONFIG_BRIDGE", link: ["type", "bridge"] },
  vxlan: { config: "CONFIG_VXLAN", link: ["type", "vxlan", "id", "42", "dstport", "4789"] },
  macvlan: { config: "CONFIG_MACVLAN", link: ["link", "fparent", "type", "macvlan", "mode", "bridge"] },
  ipvlan: { config: "CONFIG_IPVLAN", link: ["link", "fparent", "type", "ipvlan", "mode", "l2"] },
  // A device with endpoints of its own: the module's fallback tunl0 may already hold "any/any".
  ipip: { config: "CONFIG_NET_IPIP", link: ["type", "ipip", "local", "192.0.2.1", "remote", "192.0.2.2"] },
  // A persistent TUN device, as flanneld's udp backend opens one (/dev/net/tun, IFF_TUN).
  tun: { config: "CONFIG_TUN", ipArgs: ["tuntap", "add", "dev", "ftun", "mode", "tun"] },
  // br_netfilter registers net.bridge.bridge-nf-call-* when it loads; it makes no device.
  br_netfilter: { config: "CONFIG_BRIDGE_NETFILTER", marker: "/proc/sys/net/bridge/bridge-nf-call-iptables" },
};

/** What the kernel tells about its modules, read once. Each part is undefined when unreadable. */
export interface KernelInventory {
  release?: string;
  loaded?: Set<string>;
  builtin?: Set<string>;
  loadable?: Set<string>;
  config?: Map<string, string>;
  configSource?: string;
}

/** Module file names use '-' and '_' interchangeably (modprobe treats them alike). */
const norm = (name: string) => name.replace(/-/g, "_");

function moduleNames(text: string | undefined, pick: (line: string) => string | undefined): Set<string> | undefined {
  if (text === undefined) return undefined;
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const path = pick(line);
    const m = path ? /([^/]+)\.ko(\.\w+)?$/.exec(path) : null;
    if (m) names.add(norm(m[1]!));
  }
  return names;
}

export function readKernelInventory(machine: MachineRoot): KernelInventory {
  const release = readHostFile(machine, "/proc/sys/kernel/osrelease")?.trim() || undefined;
  const procModules = readHostFile(machine, "/proc/modules");
  const loaded = procModules === undefined ? undefined : new Set(procModules.split("\n").map((l) => norm(l.split(" ")[0] ?? "")).filter(Boolean));
  const modDir = release ? `/lib/modules/${release}` : undefined;
  const builtin = modDir ? moduleNames(readHostFile(machine, `${modDir}/modules.builtin`), (l) => l.trim()) : undefined;
  const loadable = modDir ? moduleNames(readHostFile(machine, `${modDir}/modules.dep`), (l) => l.split(":")[0]) : undefined;
  return { release, loaded, builtin, loadable, ...readKernelConfig(machine, release) };
}

function readKernelConfig(machine: MachineRoot, release: string | undefined): Pick<KernelInventory, "config" | "configSource"> {
  let text: string | undefined;
  let source: string | undefined;
  const gz = readHostBytes(machine, "/proc/config.gz");
  if (gz) {
    try {
      text = gunzipSync(gz).toString("utf8");
      source = "/proc/config.gz";
    } catch {
      text = undefined;
    }
  }
  if (text === undefined && release) {
    text = readHostFile(machine, `/boot/config-${release}`);
    source = `/boot/config-${release}`;
  }
  if (text === undefined) return {};
  const config = new Map<string, string>();
  for (const line of text.split("\n")) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    const unset = /^# (CONFIG_\w+) is not set/.exec(line);
    if (set) config.set(set[1]!, set[2]!);
    else if (unset) config.set(unset[1]!, "n");
  }
  return { config, configSource: source };
}

/** Rule 2: what the kernel's files say about one feature. */
export function detectFeature(machine: MachineRoot, inv: KernelInventory, feature: KernelFeature): FeatureEvidence {
  const name = norm(feature);
  const facts = FEATURE_FACTS[feature];
  if (inv.loaded?.has(name)) return { state: "loaded", evidence: "/proc/modules" };
  if (hostPathExists(machine, `/sys/module/${name}`)) {
    // A loaded module has initstate; a built-in one appears there only for its parameters.
    return hostPathExists(machine, `/sys/module/${name}/initstate`)
      ? { state: "loaded", evidence: `/sys/module/${name}` }
      : { state: "builtin", evidence: `/sys/module/${name}` };
  }
  if (facts.marker && hostPathExists(machine, facts.marker)) return { state: "loaded", evidence: `${facts.marker} exists` };
  if (inv.builtin?.has(name)) return { state: "builtin", evidence: `modules.builtin of ${inv.release}` };
  const setting = inv.config?.get(facts.config);
  const inConfig = `${facts.config}=${setting} in ${inv.configSource}`;
  if (setting === "y") return { state: "builtin", evidence: inConfig };
  if (inv.loadable?.has(name)) return { state: "loadable", evidence: `modules.dep of ${inv.release}` };
  if (setting === "m") {
    return inv.loadable
      ? { state: "absent", evidence: `${inConfig}, but modules.dep of ${inv.release} has no ${name}.ko (modules package not installed?)` }
      : { state: "loadable", evidence: inConfig };
  }
  if (setting === "n") return { state: "absent", evidence: `${facts.config} is not set in ${inv.configSource}` };
  if (inv.builtin && inv.loadable) return { state: "absent", evidence: `neither modules.builtin nor modules.dep of ${inv.release} lists ${name}` };
  return { state: "unknown", evidence: "no /proc/modules, /sys/module entry, modules.dep or kernel config says" };
}

/** One `ip link add` of rule 1: whether the device was made, else the kernel's words. */
export interface LinkTry {
  made: boolean;
  words: string;
}

/**
 * Rule 1 over rule 2: a device made means present (the files' word kept when they said loaded or
 * built in, else "loaded": autoloading just loaded it); a refusal means absent, whatever the files
 * say (a kernel booted with `nomodule` lists modules it cannot load), with both in the evidence.
 */
export function featureFromTry(feature: KernelFeature, tried: LinkTry, files: FeatureEvidence): FeatureEvidence {
  const ipArgs = FEATURE_FACTS[feature].ipArgs;
  const how = ipArgs ? `ip ${ipArgs.join(" ")}` : `ip link add type ${feature}`;
  if (tried.made) return featurePresent(files) ? files : { state: "loaded", evidence: `${how} made one (the files said: ${files.state}, ${files.evidence})` };
  return { state: "absent", evidence: `${how}: ${tried.words || "refused"} (the files said: ${files.state}, ${files.evidence})` };
}

function ip(...args: string[]): { code: number; stderr: string } {
  const r = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 });
  return { code: r.status ?? 1, stderr: (r.stderr || r.error?.message || "").trim() };
}

/** Rule 1: makes each device in the namespace `netns` (created, then deleted). Synchronous: a dozen `ip` calls. */
function tryLinks(netns: string): Partial<Record<KernelFeature, LinkTry>> {
  const made = ip("netns", "add", netns);
  if (made.code !== 0) throw new Error(`cannot create namespace ${netns} to probe kernel features: ${made.stderr}`);
  const tries: Partial<Record<KernelFeature, LinkTry>> = {};
  try {
    const parent = ip("-n", netns, "link", "add", "fparent", "type", "bridge");
    for (const feature of KERNEL_FEATURES) {
      const { link, ipArgs } = FEATURE_FACTS[feature];
      const args = ipArgs ?? (link === undefined ? undefined : ["link", "add", `f${feature}`, ...link]);
      if (args === undefined) continue;
      const r = ip("-n", netns, ...args);
      const needsParent = args.includes("fparent");
      tries[feature] = { made: r.code === 0, words: needsParent && parent.code !== 0 ? `no bridge to hang it on: ${parent.stderr}` : r.stderr };
    }
  } finally {
    ip("netns", "del", netns);
  }
  return tries;
}

export interface KernelFeatureOptions {
  /** Apply rule 1 in a namespace of this name (root only); without it, the files alone decide. */
  tryInNamespace?: string;
}

/** Every feature's evidence by the rule above. */
export function kernelFeatures(machine: MachineRoot, opts: KernelFeatureOptions = {}): Record<KernelFeature, FeatureEvidence> {
  const inv = readKernelInventory(machine);
  const tries = opts.tryInNamespace === undefined ? {} : tryLinks(opts.tryInNamespace);
  const out = {} as Record<KernelFeature, FeatureEvidence>;
  for (const feature of KERNEL_FEATURES) {
    const files = detectFeature(machine, inv, feature);
    const tried = tries[feature];
    out[feature] = tried === undefined ? files : featureFromTry(feature, tried, files);
  }
  return out;
}
