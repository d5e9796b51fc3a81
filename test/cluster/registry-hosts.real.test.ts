/**
 * The kind provider's hosts.toml step against a real container through the real docker CLI: a
 * container made here with `docker import` (busybox: sh, mkdir, rm, printf, base64, as kind's node
 * image has them) stands in for a node; update() writes the files, then rewrites them.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindClusterProvider as provider } from "../../components/cluster/provider";
import type { KindClusterOutputs } from "../../components/cluster/types";
import { dockerdReachable } from "./kind-binary";

const missing = dockerdReachable() ? undefined : "no Docker daemon reachable (.ci/start-dockerd.sh)";
if (missing) console.log(`skipping: hosts.toml written into a real container: ${missing}`);

const NAME = `cnilab-test-node-${process.pid}`;
const IMAGE = `cnilab-test-node:${process.pid}`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });

describe.skipIf(missing !== undefined)("registry hosts written into a real container by docker exec", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-node-rootfs-"));
  beforeAll(() => {
    mkdirSync(join(dir, "bin"));
    copyFileSync("/bin/busybox", join(dir, "bin", "busybox"));
    for (const applet of ["sh", "mkdir", "rm", "printf", "base64", "cat", "sleep", "ls"]) symlinkSync("busybox", join(dir, "bin", applet));
    execFileSync("sh", ["-c", `tar -C '${dir}' -c . | docker import - '${IMAGE}'`], { timeout: 60_000, stdio: "ignore" });
    docker("run", "-d", "--name", NAME, "--network", "none", IMAGE, "/bin/sleep", "300");
  }, 90_000);
  afterAll(() => {
    execFileSync("docker", ["rm", "-f", NAME], { stdio: "ignore", timeout: 60_000 });
    execFileSync("docker", ["rmi", "-f", IMAGE], { stdio: "ignore", timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  const olds = { clusterName: "x", config: "kind: Cluster\n", network: "x", kubeconfig: "", nodes: [{ name: NAME, role: "worker" as const, internalIP: "" }] } satisfies KindClusterOutputs;
  const read = (host: string) => docker("exec", NAME, "cat", `/etc/containerd/certs.d/${host}/hosts.toml`);

  it("writes each file byte for byte, quotes and $ included, and a rewrite drops a registry no longer listed", async () => {
    const toml = `[host."http://192.168.50.10:5101"]\n  capabilities = ["pull", "resolve"]\n# '$(x)' "y"\n`;
    await provider.update!("x", olds, { ...olds, registryHosts: [{ host: "docker.io", toml }, { host: "registry.example:5000", toml: "# b\n" }] });
    expect(read("docker.io")).toBe(toml);
    expect(read("registry.example:5000")).toBe("# b\n");
    const withTwo = { ...olds, registryHosts: [{ host: "docker.io", toml }, { host: "registry.example:5000", toml: "# b\n" }] };
    await provider.update!("x", withTwo, { ...olds, registryHosts: [{ host: "quay.io", toml: "# q\n" }] });
    expect(docker("exec", NAME, "ls", "/etc/containerd/certs.d").trim().split("\n")).toEqual(["quay.io"]);
    expect(read("quay.io")).toBe("# q\n");
  }, 60_000);
});
