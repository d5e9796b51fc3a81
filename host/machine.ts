/**
 * Reading the machine's kernel and system files (/proc, /sys, /lib/modules, /boot, /opt) below a
 * root: "/" on a real machine, a fixture tree in tests. Every reader answers undefined (or false)
 * for a missing or unreadable file, so the caller can say what it could not see.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface MachineRoot {
  /** Where machine paths are read from: "/" on a real machine. */
  root: string;
}

/** A machine path (such as "/proc/modules") below the root. */
export function hostPath(machine: MachineRoot, path: string): string {
  return join(machine.root, path);
}

export function readHostFile(machine: MachineRoot, path: string): string | undefined {
  try {
    return readFileSync(hostPath(machine, path), "utf8");
  } catch {
    return undefined;
  }
}

export function readHostBytes(machine: MachineRoot, path: string): Buffer | undefined {
  try {
    return readFileSync(hostPath(machine, path));
  } catch {
    return undefined;
  }
}

export function hostPathExists(machine: MachineRoot, path: string): boolean {
  try {
    statSync(hostPath(machine, path));
    return true;
  } catch {
    return false;
  }
}

/** A sysctl-style file holding one integer, e.g. /proc/sys/net/ipv4/ip_forward. */
export function readHostNumber(machine: MachineRoot, path: string): number | undefined {
  const text = readHostFile(machine, path)?.trim();
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}
