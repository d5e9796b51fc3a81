/**
 * local/docker-shim run for real against a recording `docker` (a script that prints its arguments):
 * what kind's `--privileged` becomes on this sandbox, the TUN device flannel-udp's nodes need included.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SHIM = join(__dirname, "../../local/docker-shim");
const fake = mkdtempSync(join(tmpdir(), "cnilab-shim-"));
writeFileSync(join(fake, "docker"), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
chmodSync(join(fake, "docker"), 0o755);
afterAll(() => rmSync(fake, { recursive: true, force: true }));

/** The arguments the real docker would get, one per element. */
function shim(...args: string[]): string[] {
  const out = execFileSync("bash", [SHIM, ...args], { env: { ...process.env, PATH: `${fake}:/usr/bin:/bin` }, timeout: 10_000 });
  return out.toString().trimEnd().split("\n");
}

function isCharDevice(path: string): boolean {
  try {
    return statSync(path).isCharacterDevice();
  } catch {
    return false;
  }
}

describe("local/docker-shim", () => {
  it("turns run --privileged into every capability but SYS_RESOURCE, /dev/kmsg and the host's /dev/net/tun when it has one", () => {
    const args = shim("run", "--privileged", "--name", "n1", "img");
    expect(args).not.toContain("--privileged");
    expect(args.slice(0, 5)).toEqual(["run", "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE"]);
    expect(args.join(" ")).toContain("--device /dev/kmsg");
    // flannel's udp backend opens the node's /dev/net/tun (backends/flannel-udp.ts); --privileged would bring it.
    expect(args.join(" ").includes("--device /dev/net/tun")).toBe(isCharDevice("/dev/net/tun"));
    expect(args.slice(-3)).toEqual(["--name", "n1", "img"]);
  });

  it("passes exec --privileged on as a plain exec, and other commands untouched", () => {
    expect(shim("exec", "--privileged", "n1", "true")).toEqual(["exec", "n1", "true"]);
    expect(shim("ps", "-a")).toEqual(["ps", "-a"]);
  });
});
