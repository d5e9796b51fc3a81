/**
 * The doctor checks that `up` and `down` cannot do without. A failed one stops the command with one
 * line naming the cause and the fix (exit 2), before anything is created or deleted.
 */
import type { Io } from "./command";
import type { Check } from "./doctor-check";
import { checkDocker } from "./doctor-docker";
import type { Host } from "./doctor-host";
import { checkKind, checkPulumi } from "./doctor-tools";
import { runChecks, type DoctorOptions } from "./doctor";

export interface Preflight {
  failures: Check[];
  /** Checks that did not pass but do not stop the command: shown, then the command goes on. */
  warnings: Check[];
  kindPath?: string;
  pulumiPath?: string;
}

/** Without these a lab cannot come up: the tools, a cgroup the node image boots under, the kernel features. */
function fatalForUp(id: string): boolean {
  return ["docker", "docker-cgroup", "kind", "pulumi", "ip-forward"].includes(id) || id.startsWith("kernel-");
}

/** Every doctor check for the stack's backend and size; memory, disk and inotify only warn here. */
export async function preflightUp(host: Host, opts: DoctorOptions): Promise<Preflight> {
  const report = await runChecks(host, opts);
  return {
    failures: report.checks.filter((c) => c.status === "fail" && fatalForUp(c.id)),
    warnings: report.checks.filter((c) => c.status !== "pass" && !(c.status === "fail" && fatalForUp(c.id))),
    kindPath: report.kindPath,
    pulumiPath: report.pulumiPath,
  };
}

/** `down` needs Pulumi to destroy the stack and Docker and kind to remove what is left. */
export async function preflightDown(host: Host): Promise<Preflight> {
  const [docker, kind, pulumi] = await Promise.all([checkDocker(host), checkKind(host), checkPulumi(host)]);
  const checks = [docker.check, kind.check, pulumi.check];
  return {
    failures: checks.filter((c) => c.status === "fail"),
    warnings: checks.filter((c) => c.status === "warn"),
    kindPath: kind.path,
    pulumiPath: pulumi.path,
  };
}

/**
 * Prints the outcome; true when the command may go on. With a failure only the failures are shown
 * (one line each): they are what stands in the way now.
 */
export function reportPreflight(p: Preflight, io: Io, command: string): boolean {
  for (const f of p.failures) io.stderr(`cnilab ${command}: missing prerequisite: ${f.message}. Fix: ${f.fix}\n`);
  if (p.failures.length > 0) return false;
  for (const w of p.warnings) io.stdout(`warning: ${w.message} (fix: ${w.fix})\n`);
  return true;
}
