/** One line of `cnilab doctor`: what was checked, how it went, and what to do about it. */

export const CHECK_STATUSES = ["pass", "warn", "fail"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface Check {
  /** Stable, for scripts: "docker", "docker-cgroup", "kind", "pulumi", "kernel-vxlan", "ip-forward", … */
  id: string;
  status: CheckStatus;
  /** What was found, with the evidence (file or command) it came from. */
  message: string;
  /** The command or step that fixes it; "" when the check passed. */
  fix: string;
}

export function pass(id: string, message: string): Check {
  return { id, status: "pass", message, fix: "" };
}

export function warn(id: string, message: string, fix: string): Check {
  return { id, status: "warn", message, fix };
}

export function fail(id: string, message: string, fix: string): Check {
  return { id, status: "fail", message, fix };
}

/** "1.5 GiB" — memory and disk figures in the unit people read `free -h` and `df -h` in. */
export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

export type Version = [number, number, number];

/** Semantic version triple from text such as "kind v0.27.0 go1.24.4" or "v3.190.0". */
export function parseVersion(text: string): Version | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function formatVersion(v: readonly number[]): string {
  return `v${v.join(".")}`;
}
