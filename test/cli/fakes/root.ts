/**
 * /proc, /sys, /lib/modules and /boot fixture trees for the doctor: each test states the machine it
 * means (which modules are loaded, built in, loadable; sysctls; memory) and gets a root directory.
 * `null` leaves a file out, as on a kernel or container that does not have it.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

export interface RootSpec {
  release?: string;
  /** Names listed in /proc/modules. */
  procModules?: string[] | null;
  /** /sys/module/<name>: "loaded" has initstate, "builtin" only parameters. */
  sysModules?: Record<string, "loaded" | "builtin">;
  /** modules.builtin / modules.dep of the release, by module name. */
  builtin?: string[] | null;
  dep?: string[] | null;
  /** Kconfig symbols: y, m, or n ("# … is not set"). */
  config?: Record<string, "y" | "m" | "n"> | null;
  configAt?: "/proc/config.gz" | "/boot";
  /** /proc/sys/net/bridge/bridge-nf-call-iptables exists (br_netfilter loaded). */
  bridgeNf?: boolean;
  ipForward?: number | null;
  inotify?: { watches: number; instances: number } | null;
  memAvailableKb?: number | null;
  cgroup2?: boolean;
  /** A script installed at /opt/kind/usr/bin/kind, as .ci/install-kind.sh would. */
  optKind?: string;
}

/** A machine that has everything: every backend's module loaded, limits raised, 16 GiB free. */
export const HEALTHY: RootSpec = {
  procModules: ["vxlan", "macvlan", "ipvlan", "ipip", "br_netfilter", "overlay"],
  builtin: [],
  dep: ["vxlan", "macvlan", "ipvlan", "ipip", "br_netfilter", "overlay"],
  bridgeNf: true,
  ipForward: 1,
  inotify: { watches: 524_288, instances: 512 },
  memAvailableKb: 16 * 1024 * 1024,
  cgroup2: true,
};

const modulePath = (name: string) => `kernel/net/${name}/${name}.ko.zst`;

export function makeRoot(spec: RootSpec): string {
  const root = mkdtempSync(join(tmpdir(), "cnilab-root-"));
  const put = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const release = spec.release ?? "6.1.0-test-amd64";
  put("/proc/sys/kernel/osrelease", `${release}\n`);
  if (spec.procModules) put("/proc/modules", spec.procModules.map((m) => `${m} 98304 0 - Live 0x0000000000000000\n`).join(""));
  for (const [name, how] of Object.entries(spec.sysModules ?? {})) {
    put(`/sys/module/${name}/parameters/.keep`, "");
    if (how === "loaded") put(`/sys/module/${name}/initstate`, "live\n");
  }
  const mods = `/lib/modules/${release}`;
  if (spec.builtin) put(`${mods}/modules.builtin`, spec.builtin.map((m) => `${modulePath(m).replace(".zst", "")}\n`).join(""));
  if (spec.dep) put(`${mods}/modules.dep`, spec.dep.map((m) => `${modulePath(m)}: kernel/net/ipv4/udp_tunnel.ko.zst\n`).join(""));
  if (spec.config) {
    const text = Object.entries(spec.config)
      .map(([k, v]) => (v === "n" ? `# ${k} is not set\n` : `${k}=${v}\n`))
      .join("");
    if (spec.configAt === "/boot") put(`/boot/config-${release}`, text);
    else put("/proc/config.gz", gzipSync(text));
  }
  if (spec.bridgeNf) put("/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n");
  if (spec.ipForward !== undefined && spec.ipForward !== null) put("/proc/sys/net/ipv4/ip_forward", `${spec.ipForward}\n`);
  if (spec.inotify) {
    put("/proc/sys/fs/inotify/max_user_watches", `${spec.inotify.watches}\n`);
    put("/proc/sys/fs/inotify/max_user_instances", `${spec.inotify.instances}\n`);
  }
  if (spec.memAvailableKb !== undefined && spec.memAvailableKb !== null) {
    put("/proc/meminfo", `MemTotal:       32768000 kB\nMemFree:         1000000 kB\nMemAvailable:   ${spec.memAvailableKb} kB\n`);
  }
  mkdirSync(join(root, "sys/fs/cgroup"), { recursive: true });
  if (spec.cgroup2) put("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
  if (spec.optKind) {
    put("/opt/kind/usr/bin/kind", spec.optKind);
    chmodSync(join(root, "/opt/kind/usr/bin/kind"), 0o755);
  }
  return root;
}
