/**
 * Kernel features the backends need. kind nodes are containers: they share the host's kernel, so
 * a module the host lacks is missing on every node. Evidence, strongest first: the module is
 * loaded (/proc/modules, /sys/module/<m>, a file it creates), built in (modules.builtin,
 * CONFIG_…=y), or loadable (modules.dep, CONFIG_…=m); it is absent only when the kernel says so.
 */
import { gunzipSync } from "node:zlib";
import { BACKENDS, BACKEND_FACTS, type Backend } from "../backends";
import { fail, pass, warn, type Check } from "./doctor-check";
import { hostPathExists, readHostBytes, readHostFile, readHostNumber, type Host } from "./doctor-host";

export const FEATURE_STATES = ["loaded", "builtin", "loadable", "absent", "unknown"] as const;
export type FeatureState = (typeof FEATURE_STATES)[number];

export interface FeatureEvidence {
  state: FeatureState;
  /** Where the answer came from, e.g. "CONFIG_IPVLAN is not set in /proc/config.gz". */
  evidence: string;
}

interface KernelFeature {
  /** The Kconfig symbol that builds it. */
  config: string;
  /** A file that exists only while the feature is loaded. */
  marker?: string;
}

/** The modules the backends name (backends/*: prerequisites.kernelModules). */
const KNOWN_FEATURES: Readonly<Record<string, KernelFeature>> = {
  vxlan: { config: "CONFIG_VXLAN" },
  macvlan: { config: "CONFIG_MACVLAN" },
  ipvlan: { config: "CONFIG_IPVLAN" },
  ipip: { config: "CONFIG_NET_IPIP" },
  // br_netfilter registers net.bridge.bridge-nf-call-* when it loads.
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

export function readKernelInventory(host: Host): KernelInventory {
  const release = readHostFile(host, "/proc/sys/kernel/osrelease")?.trim() || undefined;
  const procModules = readHostFile(host, "/proc/modules");
  const loaded = procModules === undefined ? undefined : new Set(procModules.split("\n").map((l) => norm(l.split(" ")[0] ?? "")).filter(Boolean));
  const modDir = release ? `/lib/modules/${release}` : undefined;
  const builtin = modDir ? moduleNames(readHostFile(host, `${modDir}/modules.builtin`), (l) => l.trim()) : undefined;
  const loadable = modDir ? moduleNames(readHostFile(host, `${modDir}/modules.dep`), (l) => l.split(":")[0]) : undefined;
  return { release, loaded, builtin, loadable, ...readKernelConfig(host, release) };
}

function readKernelConfig(host: Host, release: string | undefined): Pick<KernelInventory, "config" | "configSource"> {
  let text: string | undefined;
  let source: string | undefined;
  const gz = readHostBytes(host, "/proc/config.gz");
  if (gz) {
    try {
      text = gunzipSync(gz).toString("utf8");
      source = "/proc/config.gz";
    } catch {
      text = undefined;
    }
  }
  if (text === undefined && release) {
    text = readHostFile(host, `/boot/config-${release}`);
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

export function detectFeature(host: Host, inv: KernelInventory, module: string): FeatureEvidence {
  const name = norm(module);
  const known = KNOWN_FEATURES[module];
  if (inv.loaded?.has(name)) return { state: "loaded", evidence: "/proc/modules" };
  if (hostPathExists(host, `/sys/module/${name}`)) {
    // A loaded module has initstate; a built-in one appears there only for its parameters.
    return hostPathExists(host, `/sys/module/${name}/initstate`)
      ? { state: "loaded", evidence: `/sys/module/${name}` }
      : { state: "builtin", evidence: `/sys/module/${name}` };
  }
  if (known?.marker && hostPathExists(host, known.marker)) return { state: "loaded", evidence: `${known.marker} exists` };
  if (inv.builtin?.has(name)) return { state: "builtin", evidence: `modules.builtin of ${inv.release}` };
  const setting = known ? inv.config?.get(known.config) : undefined;
  const inConfig = `${known?.config}=${setting} in ${inv.configSource}`;
  if (setting === "y") return { state: "builtin", evidence: inConfig };
  if (inv.loadable?.has(name)) return { state: "loadable", evidence: `modules.dep of ${inv.release}` };
  if (setting === "m") {
    return inv.loadable
      ? { state: "absent", evidence: `${inConfig}, but modules.dep of ${inv.release} has no ${name}.ko (modules package not installed?)` }
      : { state: "loadable", evidence: inConfig };
  }
  if (setting === "n") return { state: "absent", evidence: `${known?.config} is not set in ${inv.configSource}` };
  if (inv.builtin && inv.loadable) return { state: "absent", evidence: `neither modules.builtin nor modules.dep of ${inv.release} lists ${name}` };
  return { state: "unknown", evidence: "no /proc/modules, /sys/module entry, modules.dep or kernel config says" };
}

/** module → the backends (of those considered) that need it. */
function neededModules(backends: readonly Backend[]): Map<string, Backend[]> {
  const needs = new Map<string, Backend[]>();
  for (const b of backends) {
    for (const m of BACKEND_FACTS[b].prerequisites.kernelModules) needs.set(m, [...(needs.get(m) ?? []), b]);
  }
  return needs;
}

/**
 * One check per module the considered backends need. A missing module fails when every considered
 * backend needs it (one backend chosen, or all of them); otherwise it warns and names who needs it.
 */
export function checkKernel(host: Host, backends: readonly Backend[]): Check[] {
  const inv = readKernelInventory(host);
  const checks: Check[] = [];
  for (const [module, users] of neededModules(backends)) {
    const who = users.length === BACKENDS.length ? "every backend" : users.join(", ");
    checks.push(checkModule(host, inv, module, who, users.length === backends.length));
  }
  checks.push(checkIpForward(host));
  return checks;
}

/**
 * One module's check, `who` naming what needs it. A missing module fails when `required` (nothing
 * considered can do without it), else it warns.
 */
export function checkModule(host: Host, inv: KernelInventory, module: string, who: string, required: boolean): Check {
  const id = `kernel-${module}`;
  const found = detectFeature(host, inv, module);
  const what = `${module} (for ${who})`;
  switch (found.state) {
    case "loaded":
      return pass(id, `${what}: loaded (${found.evidence})`);
    case "builtin":
      return pass(id, `${what}: built into the kernel (${found.evidence})`);
    case "loadable":
      return warn(id, `${what}: a module that is not loaded (${found.evidence})`, `sudo modprobe ${module} (list it in /etc/modules-load.d/ to keep it after a reboot)`);
    case "absent": {
      const msg = `${what}: not in this kernel (${found.evidence})`;
      const fix = `use a kernel built with ${KNOWN_FEATURES[module]?.config ?? module} (=y or =m)`;
      return required ? fail(id, msg, fix) : warn(id, msg, `${fix}, or use a backend that does not need it`);
    }
    case "unknown":
      return warn(id, `${what}: cannot tell whether the kernel has it (${found.evidence})`, `sudo modprobe ${module}; if that fails, the kernel lacks it`);
  }
}

/**
 * Every backend routes pod traffic in the node containers' network namespaces, and a new namespace
 * copies the host's IPv4 forwarding setting (net.core.devconf_inherit_init_net=0, the default).
 */
function checkIpForward(host: Host): Check {
  const value = readHostNumber(host, "/proc/sys/net/ipv4/ip_forward");
  if (value === undefined) return warn("ip-forward", "cannot read /proc/sys/net/ipv4/ip_forward", "check it with: sysctl net.ipv4.ip_forward (it must be 1)");
  if (value === 1) return pass("ip-forward", "net.ipv4.ip_forward = 1 (for every backend)");
  return fail(
    "ip-forward",
    "net.ipv4.ip_forward = 0: nodes would not forward pod traffic (every backend needs it)",
    "sudo sysctl -w net.ipv4.ip_forward=1 (dockerd sets it when it starts, unless run with --ip-forward=false)",
  );
}
