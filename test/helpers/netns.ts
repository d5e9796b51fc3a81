/**
 * What the real datapath tests share: whether this machine can make network namespaces, and the
 * project's probe program run from one namespace against a few targets (each outcome by name).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runIn } from "../../datapath/exec";
import { bundleProbe } from "../../probe/bundle";
import { parseProbeLog } from "../../probe/parse";

/** Why namespace labs cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== "linux") return `needs Linux network namespaces, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "needs root (CAP_NET_ADMIN) to create network namespaces";
  const check = `cnilab-dp-testcheck.${process.pid}`;
  try {
    execFileSync("iptables", ["--version"], { stdio: "pipe" });
    execFileSync("ip", ["netns", "add", check], { stdio: "pipe" });
    execFileSync("ip", ["netns", "del", check], { stdio: "pipe" });
  } catch (err) {
    return `ip netns / iptables unusable: ${(err as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

/** One TCP probe per target from `netns` (1 s, one attempt); the outcomes in target order. */
export async function probeOutcomes(dir: string, netns: string, targets: readonly { name: string; address: string; port?: number }[]): Promise<string[]> {
  const probe = join(dir, "probe.js");
  writeFileSync(probe, bundleProbe());
  const plan = { probes: targets.map((t) => ({ id: `to-${t.name}`, to: t.address, port: t.port ?? 8080, protocol: "tcp", timeoutMs: 1000, attempts: 1 })) };
  writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
  const out = await runIn(netns, [process.execPath, probe, "--plan", join(dir, "plan.json")]);
  return parseProbeLog(out.stdout, targets.map((t) => `to-${t.name}`)).map((r) => r.outcome);
}
