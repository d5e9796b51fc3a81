/**
 * The cluster stacks' Docker network through the real Pulumi engine, with the program run INLINE
 * as cnilab runs it, and no plugin but Pulumi's dynamic provider launcher: the CLI built from Go
 * modules by the local harness (local/, pulumi/pulumi pkg/v3 at v3.259.0) and a launcher standing in
 * for the `pulumi-resource-pulumi-nodejs` a Pulumi release ships (node on @pulumi/pulumi's
 * cmd/dynamic-provider). No docker resource plugin is installed (PULUMI_HOME is the test's own).
 *
 * 1. take-over: a network made as @pulumi/docker 5.2 made it, with that state imported, is updated
 *    in place by the new resource (same Docker network ID) and the docker provider leaves the state;
 * 2. refresh after `docker network rm` by hand drops it from the state;
 * 3. up creates it again, with the stack's labels; 4. destroy removes it.
 * Skips, saying why, without the built CLI or a dockerd. Names: `cnilab-test-inline-<pid>`.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerdReachable } from "../cluster/kind-binary";

/** local/versions.sh LOCAL_CACHE; CNILAB_LOCAL_PULUMI points at another build. */
const PULUMI = process.env.CNILAB_LOCAL_PULUMI ?? join(process.env.CNILAB_LOCAL_CACHE ?? "/var/cache/cnilab-local", "k8s-v1.34.0-kind-v0.30.0", "bin", "pulumi");
const missing = !existsSync(PULUMI) ? `no Pulumi CLI at ${PULUMI} (local/build.sh builds it)` : !dockerdReachable() ? "no running dockerd" : undefined;
if (missing) console.warn(`network-inline tests skipped: ${missing}`);

const STACK = "inline";
const PROJECT = "cnilab-test-inline";
const NETWORK = `cnilab-test-inline-${process.pid}`;
const SUBNET = `10.214.${process.pid % 250}.0/24`;
const PASSPHRASE = "cnilab-test";

let root: string;
let env: NodeJS.ProcessEnv;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 }).trim();
const pulumi = (...args: string[]) => execFileSync(join(root, "bin", "pulumi"), args, { cwd: join(root, "project"), env, encoding: "utf8", timeout: 120_000 });
const run = (op: "up" | "refresh" | "destroy") => {
  const out = execFileSync(
    process.execPath,
    ["--require", require.resolve("tsx/cjs"), join(__dirname, "fixtures/network-stack.ts"), op, JSON.stringify({ root, project: PROJECT, network: NETWORK, subnet: SUBNET, stack: STACK })],
    { env, encoding: "utf8", timeout: 180_000 },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as { changes: Record<string, number>; id?: string };
};
const stateTypes = () => (JSON.parse(pulumi("stack", "export", "-s", STACK)).deployment.resources as { type: string }[]).map((r) => r.type);
const networkId = () => docker("network", "ls", "-q", "--no-trunc", "--filter", `name=^${NETWORK}$`);

beforeAll(() => {
  if (missing) return;
  root = mkdtempSync(join(tmpdir(), "cnilab-inline-"));
  for (const dir of ["bin", "project", "state", "home"]) mkdirSync(join(root, dir));
  symlinkSync(PULUMI, join(root, "bin", "pulumi"));
  const launcher = join(root, "bin", "pulumi-resource-pulumi-nodejs");
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${dirname(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))}" "$@"\n`);
  chmodSync(launcher, 0o755);
  writeFileSync(join(root, "project", "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\n`);
  env = {
    PATH: `${join(root, "bin")}:${process.env.PATH}`,
    HOME: root,
    PULUMI_HOME: join(root, "home"),
    PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  pulumi("stack", "init", STACK);
}, 120_000);

afterAll(() => {
  if (missing) return;
  const id = networkId();
  if (id) docker("network", "rm", id);
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)("the lab network through the real engine, inline, without the docker plugin", () => {
  it("takes over a network @pulumi/docker made: updated in place, the docker provider leaves the state", () => {
    const labels = [["io.cnilab.project", "cnilab"], ["io.cnilab.stack", STACK]];
    const gateway = SUBNET.replace(/0\/24$/, "1");
    const id = docker("network", "create", "--subnet", SUBNET, "--gateway", gateway, "--opt", "com.docker.network.bridge.enable_ip_masquerade=true", ...labels.flatMap(([k, v]) => ["--label", `${k}=${v}`]), NETWORK);
    const urn = (type: string, name: string) => `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
    const providerId = "0b1e4d2c-0000-4000-8000-000000000001";
    const pulumiDocker = {
      name: NETWORK,
      driver: "bridge",
      ipamConfigs: [{ subnet: SUBNET, gateway }],
      options: { "com.docker.network.bridge.enable_ip_masquerade": "true" },
      labels: labels.map(([label, value]) => ({ label, value })),
    };
    // The manifest's magic is sha256 of its version (pulumi/pulumi pkg/v3.259.0 resource/deploy/manifest.go NewMagic).
    const version = "v3.259.0";
    const deployment = {
      version: 3,
      deployment: {
        manifest: { time: new Date().toISOString(), version, magic: createHash("sha256").update(version).digest("hex") },
        resources: [
          { urn: urn("pulumi:pulumi:Stack", `${PROJECT}-${STACK}`), custom: false, type: "pulumi:pulumi:Stack" },
          { urn: urn("pulumi:providers:docker", "default_5_2_0"), custom: true, id: providerId, type: "pulumi:providers:docker", inputs: { version: "5.2.0" }, outputs: { version: "5.2.0" } },
          {
            urn: urn("docker:index/network:Network", "net"),
            custom: true,
            id,
            type: "docker:index/network:Network",
            inputs: pulumiDocker,
            outputs: { ...pulumiDocker, id, ipamConfigs: [{ ...pulumiDocker.ipamConfigs[0], auxAddress: {}, ipRange: "" }], internal: false, scope: "local" },
            parent: urn("pulumi:pulumi:Stack", `${PROJECT}-${STACK}`),
            provider: `${urn("pulumi:providers:docker", "default_5_2_0")}::${providerId}`,
          },
        ],
      },
    };
    const file = join(root, "pulumi-docker-state.json");
    writeFileSync(file, JSON.stringify(deployment));
    pulumi("stack", "import", "-s", STACK, "--file", file);

    expect(run("up")).toEqual({ changes: { same: 1, update: 1 }, id });
    expect(networkId()).toBe(id);
    expect(stateTypes()).toEqual(["pulumi:pulumi:Stack", "pulumi:providers:pulumi-nodejs", "pulumi-nodejs:dynamic/cnilab:DockerNetwork"]);
  }, 240_000);

  it("refresh drops a network removed by hand; up makes it again with the stack's labels; destroy removes it", () => {
    docker("network", "rm", NETWORK);
    expect(run("refresh").changes).toEqual({ same: 1, delete: 1 });
    const up = run("up");
    expect(up.changes).toEqual({ same: 1, create: 1 });
    expect(up.id).toBe(networkId());
    expect(JSON.parse(docker("network", "inspect", NETWORK, "--format", "{{json .Labels}}"))).toEqual({ "io.cnilab.project": "cnilab", "io.cnilab.stack": STACK });
    expect(run("destroy").changes).toEqual({ delete: 2 });
    expect(networkId()).toBe("");
  }, 480_000);
});
