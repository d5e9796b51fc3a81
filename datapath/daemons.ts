/**
 * Running a lab's daemons (datapath/udp.ts): the forwarder is built from udp-forwarder.c with the
 * machine's C compiler (once per source version, kept in the state folder), then started in each node
 * namespace, detached so it outlives the `datapath up` that started it. `datapath down` kills it with
 * every other process in the lab's namespaces (lab.ts labDown); nothing else does.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, inNetns } from "./exec";
import type { Daemon } from "./udp";

const SOURCE = join(__dirname, "udp-forwarder.c");
/** The C compiler: $CC, else `cc` (gcc or clang on a Debian/Ubuntu machine with build-essential or gcc). */
const compiler = () => process.env.CC || "cc";
/** Building takes well under a second; a compiler that takes this long is stuck. */
const BUILD_TIMEOUT_MS = 60_000;
/** Setting up a TUN device and a socket takes milliseconds; a forwarder silent this long has failed. */
const READY_TIMEOUT_MS = 10_000;

/** Why the forwarder cannot be built here, or undefined when a C compiler answers. */
export function forwarderUnavailable(): string | undefined {
  const r = spawnSync(compiler(), ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (r.status === 0) return undefined;
  return `no C compiler to build the udp forwarder (${compiler()}: ${(r.error?.message ?? r.stderr ?? "").trim() || `exit ${r.status}`}); install one, e.g. apt-get install -y gcc libc6-dev, or set CC`;
}

/** The forwarder binary for the current source, built into `<stateDir>/bin` when missing. */
export function buildForwarder(stateDir: string): string {
  const source = readFileSync(SOURCE);
  const binary = join(stateDir, "bin", `cnilab-udp-forwarder-${createHash("sha256").update(source).digest("hex").slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(join(stateDir, "bin"), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  const r = spawnSync(compiler(), ["-O2", "-Wall", "-o", partial, SOURCE], { encoding: "utf8", timeout: BUILD_TIMEOUT_MS });
  if (r.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`building the udp forwarder failed: ${compiler()} -O2 -Wall -o ${partial} ${SOURCE}: ${(r.error?.message ?? r.stderr).trim()}`);
  }
  renameSync(partial, binary);
  return binary;
}

/** The daemon's log: what it printed, kept beside the lab's state for `datapath explain` and for failures. */
export function daemonLog(stateDir: string, daemon: Daemon): string {
  return join(stateDir, `${daemon.netns}.${daemon.program}.log`);
}

/** Starts each daemon detached in its namespace and waits until it prints "ready"; throws with its log otherwise. */
export async function startDaemons(daemons: readonly Daemon[], stateDir: string): Promise<void> {
  if (daemons.length === 0) return;
  const binary = buildForwarder(stateDir);
  for (const daemon of daemons) {
    const log = daemonLog(stateDir, daemon);
    const fd = openSync(log, "w");
    const [file, ...args] = inNetns(daemon.netns, [binary, ...daemon.args]);
    const child = spawn(file!, args, { detached: true, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    let exited: number | null | undefined;
    child.on("exit", (code) => (exited = code));
    child.on("error", () => (exited = 127));
    child.unref();
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const text = readFileSync(log, "utf8");
      if (text.includes("ready")) break;
      const what = describe(daemon.netns, [daemon.program, ...daemon.args]);
      if (exited !== undefined) throw new Error(`${what} exited (${exited}) before it was ready: ${text.trim()}`);
      if (Date.now() > deadline) throw new Error(`${what} was not ready within ${READY_TIMEOUT_MS} ms: ${text.trim()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
