/**
 * The doctor's kernel checks: one per module the considered backends need, from what the kernel's
 * files say (host/kernel.ts: read-only, no namespace made, no module loaded), plus IPv4 forwarding.
 */
import { BACKENDS, BACKEND_FACTS, type Backend } from "../backends";
import { detectFeature, FEATURE_FACTS, readKernelInventory, type KernelFeature, type KernelInventory } from "./kernel";
import { readHostNumber } from "./machine";
import { fail, pass, warn, type Check } from "./check";
import type { Host } from "./host";

/** module → the backends (of those considered) that need it. */
function neededModules(backends: readonly Backend[]): Map<KernelFeature, Backend[]> {
  const needs = new Map<KernelFeature, Backend[]>();
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
export function checkModule(host: Host, inv: KernelInventory, module: KernelFeature, who: string, required: boolean): Check {
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
      const fix = `use a kernel built with ${FEATURE_FACTS[module].config} (=y or =m)`;
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
