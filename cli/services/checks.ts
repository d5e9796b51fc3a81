/**
 * The machine's checks (host/lab-checks.ts, host/preflight.ts) as the commands show them: doctor's
 * table and closing setup lines, and the one line per failure or warning that `up`, `down`,
 * `verify` and `e2e` print before they act.
 */
import { DRIVER_FACTS, swarmNodeLabels, type DockerDriver } from "../../docker";
import type { Check } from "../../host/check";
import type { DockerLink } from "../../host/lab-checks";
import { plain, type Paint, type Tone } from "../../host/colour";
import { hostOs, type Host } from "../../host/host";
import type { Preflight, Say } from "../../host/preflight";
import type { LocatedTool } from "../../host/tools";
import { TOOLS } from "../../pins/tools";
import type { Io } from "../command";
import type { Progress } from "../progress";

/**
 * A Docker driver as the host's checks see it: the link type it makes, from its facts
 * (docker/drivers.ts), and for swarm mode the labels the stack's own swarm carries (docker/swarm.ts).
 */
export function dockerLink(driver: DockerDriver, stackName = `docker-${driver}`): DockerLink {
  const facts = DRIVER_FACTS[driver];
  return { name: driver, link: facts.linkType, ...(facts.swarm ? { swarmLabels: swarmNodeLabels(stackName) } : {}) };
}

const TONE: Readonly<Record<Check["status"], Tone>> = { pass: "good", warn: "warn", fail: "bad" };

export function renderChecks(checks: readonly Check[], paint: Paint = plain): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${paint(TONE[c.status], c.status.padEnd(4))}  ${c.id.padEnd(width)}  ${c.message}`);
    if (c.fix) lines.push(`${" ".repeat(width + 8)}fix: ${c.fix}`);
  }
  const count = (s: Check["status"]) => checks.filter((c) => c.status === s).length;
  lines.push("", `${count("pass")} pass, ${count("warn")} warn, ${count("fail")} fail`);
  return lines.join("\n") + "\n";
}

/** Doctor's closing lines: what `cnilab setup` fetches on this machine, and whether it is there. */
export function renderSetupPlan(host: Host, located: readonly LocatedTool[]): string {
  const os = hostOs(host);
  const rows = located.map((l) => {
    const f = l.fetch;
    if (!f) return `  ${l.tool.padEnd(6)}  ${TOOLS[l.tool].version}: no pinned build for ${os.platform}/${os.arch}`;
    const state = l.use?.origin === "tools folder" ? "installed" : l.use ? `not needed: ${l.use.shown} is used` : "not installed";
    return `  ${l.tool.padEnd(6)}  ${f.version.padEnd(8)}  ${f.url}\n          sha256 ${f.sha256}\n          → ${f.target} (${state})`;
  });
  return `cnilab setup fetches (${located.find((l) => l.fetch)?.fetch?.platform ?? `${os.platform}/${os.arch}`}):\n${rows.join("\n")}\n`;
}

/**
 * Prints the outcome; true when the command may go on. With a failure only the failures are shown
 * (one line each): they are what stands in the way now.
 */
export function reportPreflight(p: Preflight, io: Io, command: string): boolean {
  for (const f of p.failures) io.stderr(`cnilab ${command}: missing prerequisite: ${f.message}. Fix: ${f.fix}\n`);
  if (p.failures.length > 0) return false;
  // Stderr, like every diagnostic: stdout stays the command's own output (a --json report parses).
  for (const w of p.warnings) io.stderr(`cnilab ${command}: warning: ${w.message} (fix: ${w.fix})\n`);
  return true;
}

/**
 * The first step of `up` and `down`: the target's preflight under the progress line, then reported.
 * The preflight when the command may go on; undefined (the failures said) when it may not.
 */
export async function checkPrerequisites(
  target: { preflight(host: Host, say: Say): Promise<Preflight> },
  host: Host,
  progress: Progress,
  io: Io,
  command: string,
): Promise<Preflight | undefined> {
  progress.step("checking prerequisites");
  const pre = await target.preflight(host, (line) => progress.line(line));
  if (reportPreflight(pre, io, command)) return pre;
  progress.finish();
  return undefined;
}
