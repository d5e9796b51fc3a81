/**
 * What the real Docker tests need from the machine, each check answering with the reason it cannot
 * run (undefined = fine): a Docker engine on the socket, the kernel's macvlan/ipvlan link types, and
 * a root filesystem from Debian's busybox-static (no registry is reachable, so no image is pulled).
 * The checks are synchronous so the test file can decide what to skip while it is collected.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { featurePresent, kernelFeatures } from "../../host/kernel";
import { DOCKER_SOCKET } from "./engine-client";
import type { DriverFacts } from "../../docker";

const BOUND_MS = 15_000;

export function dockerEngineUnavailable(): string | undefined {
  const ping = `require("http").get({ socketPath: ${JSON.stringify(DOCKER_SOCKET)}, path: "/_ping", timeout: 5000 },
    (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1)).on("timeout", () => process.exit(1));`;
  const run = spawnSync(process.execPath, ["-e", ping], { timeout: BOUND_MS });
  return run.status === 0 ? undefined : `no Docker engine answers on ${DOCKER_SOCKET} (as root: bash .ci/start-dockerd.sh)`;
}

/**
 * Whether the kernel makes a `type` link, asked the one way (host/kernel.ts: made in a scratch
 * namespace, removed again), without touching any host interface.
 */
export function linkTypeUnavailable(type: DriverFacts["linkType"]): string | undefined {
  if (type === "veth" || type === "none") return undefined;
  if (process.getuid?.() !== 0) return `not root: cannot check whether the kernel has ${type}`;
  const found = kernelFeatures({ root: "/" }, { tryInNamespace: `cnilab-dkcheck-${process.pid}` })[type];
  return featurePresent(found) ? undefined : `this kernel cannot create ${type} links (${found.evidence})`;
}

export interface BusyboxRootfs {
  /** A folder with bin/busybox and a link per applet: `tar -C dir -c .` is the image. */
  dir: string;
  /** Removes the download and the folder. */
  remove(): void;
}

/** A root filesystem from Debian's busybox-static: the installed package's binary, else a download. */
export function busyboxRootfs(): BusyboxRootfs | string {
  const work = mkdtempSync(path.join(tmpdir(), "cnilab-busybox-"));
  const remove = () => rmSync(work, { recursive: true, force: true });
  try {
    const dir = path.join(work, "rootfs");
    for (const d of ["bin", "tmp", "proc", "sys", "dev", "etc"]) mkdirSync(path.join(dir, d), { recursive: true });
    execFileSync("cp", [installedBusybox() ?? downloadBusybox(work), path.join(dir, "bin/busybox")]);
    const applets = execFileSync(path.join(dir, "bin/busybox"), ["--list"], { timeout: BOUND_MS }).toString().split("\n").filter(Boolean);
    for (const applet of applets) if (applet !== "busybox") symlinkSync("busybox", path.join(dir, "bin", applet));
    return { dir, remove };
  } catch (err) {
    remove();
    return `cannot build a busybox image from Debian's busybox-static: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** The static busybox of the installed busybox-static package (.ci/setup.sh installs it), if any. */
function installedBusybox(): string | undefined {
  const installed = spawnSync("dpkg-query", ["-W", "-f=${Status}", "busybox-static"], { timeout: BOUND_MS }).stdout?.toString();
  return installed === "install ok installed" && existsSync("/bin/busybox") ? "/bin/busybox" : undefined;
}

/** Fetches busybox-static with `apt-get download` (nothing is installed) and unpacks its binary. */
function downloadBusybox(work: string): string {
  const download = () => execFileSync("apt-get", ["download", "-q", "busybox-static"], { cwd: work, timeout: 120_000, stdio: "pipe" });
  try {
    download();
  } catch {
    // A fresh machine may have no package lists yet.
    execFileSync("apt-get", ["update", "-q"], { timeout: 300_000, stdio: "pipe" });
    download();
  }
  const deb = readdirSync(work).find((f) => f.endsWith(".deb"));
  if (!deb) throw new Error("apt-get download left no .deb");
  execFileSync("dpkg", ["-x", deb, "pkg"], { cwd: work, timeout: BOUND_MS });
  return path.join(work, "pkg/bin/busybox");
}
