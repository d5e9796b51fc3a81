/**
 * The doctor's tool and resource checks against fake docker/kind/pulumi and /proc fixtures: every
 * pass / warn / fail branch, the JSON shape and the exit codes.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKENDS } from "../../backends";
import { runDoctor } from "../../cli/doctor";
import { runChecks } from "../../host/lab-checks";
import type { Check } from "../../host/check";
import { checkCgroup, checkDocker } from "../../host/docker-check";
import type { Host } from "../../host/host";
import { checkDisk, checkInotify, checkMemory, memoryEstimateGib } from "../../host/resources";
import { checkKind, checkPulumi } from "../../host/tool-check";
import { main } from "../../cli/main";
import { installFakes, type FakeMachine } from "./fakes/install";
import { HEALTHY, makeRoot, type RootSpec } from "./fakes/root";
import { captureIo } from "./io";
import { checkPlugins } from "../../host/pulumi-plugins";
import { lockedPlugin } from "./fakes/lab";

const BOTH_PLUGINS = (["kubernetes", "docker"] as const).map((name) => ({ name, kind: "resource", version: lockedPlugin(name) }));
const KUBERNETES_ONLY = BOTH_PLUGINS.filter((p) => p.name === "kubernetes");

let m: FakeMachine;
const roots: string[] = [];
beforeEach(() => {
  m = installFakes();
});
afterEach(() => {
  m.cleanup();
  roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true }));
});
function host(spec: RootSpec = HEALTHY, tools = m): Host {
  const root = makeRoot(spec);
  roots.push(root);
  return tools.host(root);
}
const GIB = 2 ** 30;

describe("docker", () => {
  it("passes when the daemon answers, with version, endpoint and data root", async () => {
    m.configure({ dockerVersion: "27.3.1", rootDir: "/srv/docker" });
    const { check, info } = await checkDocker(host());
    expect(check).toEqual({ id: "docker", status: "pass", message: "Docker 27.3.1 is reachable (unix:///var/run/docker.sock, data root /srv/docker)", fix: "" });
    expect(info).toEqual({ serverVersion: "27.3.1", cgroupVersion: "2", rootDir: "/srv/docker" });
  });

  it("fails with how to start it when the daemon is down, noting a missing socket", async () => {
    m.configure({ docker: "down" });
    const { check, info } = await checkDocker(host());
    expect(info).toBeUndefined();
    expect(check.status).toBe("fail");
    expect(check.message).toMatch(/^cannot reach the Docker daemon at unix:\/\/\/var\/run\/docker.sock \(no socket at \/var\/run\/docker.sock\): Cannot connect/);
    expect(check.fix).toContain("sudo systemctl start docker");
  });

  it("fails with the docker group fix on permission denied", async () => {
    m.configure({ docker: "denied" });
    const { check } = await checkDocker(host());
    expect(check).toMatchObject({ status: "fail", message: "cannot reach the Docker daemon at unix:///var/run/docker.sock: permission denied" });
    expect(check.fix).toContain('sudo usermod -aG docker "$USER"');
  });

  it("fails when docker info hangs, saying it timed out", async () => {
    m.configure({ docker: "hang" });
    const { check } = await checkDocker(host());
    expect(check).toMatchObject({ status: "fail", message: "`docker info` did not answer within 20 s (unix:///var/run/docker.sock)" });
  });

  it("warns on a Docker older than 20.10", async () => {
    m.configure({ dockerVersion: "19.03.15" });
    expect((await checkDocker(host())).check).toMatchObject({ status: "warn", fix: "upgrade Docker Engine to 20.10 or later" });
  });

  it("fails when the docker CLI is not on PATH", async () => {
    const noDocker = installFakes(["kind", "pulumi"]);
    try {
      const { check } = await checkDocker(host(HEALTHY, noDocker));
      expect(check).toMatchObject({ status: "fail", message: "the docker CLI is not on PATH" });
    } finally {
      noDocker.cleanup();
    }
  });
});

describe("Docker stays the user's: the fix fits the OS", () => {
  it("macOS: Docker Desktop or colima to install and start; cgroup and inotify live in Docker's Linux VM", async () => {
    const mac = (h: Host): Host => ({ ...h, os: { platform: "darwin", arch: "arm64" } });
    const noDocker = installFakes(["kind", "pulumi"]);
    try {
      const missing = await checkDocker(mac(host(HEALTHY, noDocker)));
      expect(missing.check.fix).toBe(
        "install Docker Desktop (https://docs.docker.com/desktop/setup/install/mac-install/) and start it, or colima: brew install colima docker && colima start --cpu 4 --memory 8",
      );
    } finally {
      noDocker.cleanup();
    }
    m.configure({ docker: "down" });
    expect((await checkDocker(mac(host()))).check.fix).toBe("start Docker Desktop, or colima: colima start");
    expect(checkCgroup(mac(host()), { serverVersion: "27.0.0", cgroupVersion: "1" }, 34).fix).toMatch(/^before moving to a newer node image, the cgroup version is that of Docker's Linux VM: update Docker Desktop or colima/);
    expect(checkInotify(mac(host()))).toMatchObject({ status: "warn", message: expect.stringMatching(/^macOS: the inotify limits that count are those of Docker's Linux VM/) });
  });

  it("Linux: Docker Engine to install, systemctl to start", async () => {
    const noDocker = installFakes(["kind", "pulumi"]);
    try {
      expect((await checkDocker(host(HEALTHY, noDocker))).check.fix).toMatch(/^install Docker Engine 20.10 or later \(https:\/\/docs.docker.com\/engine\/install\/; Debian\/Ubuntu: sudo apt-get install docker.io\) and start it: sudo systemctl enable --now docker$/);
    } finally {
      noDocker.cleanup();
    }
  });
});

describe("cgroup version", () => {
  it.each<[string, string | undefined, boolean, number, Check["status"], RegExp]>([
    ["Docker on cgroup v2", "2", false, 34, "pass", /^cgroup v2 \(Docker's CgroupVersion\)$/],
    ["Docker on cgroup v1 with the pinned 1.34 node image", "1", false, 34, "warn", /^cgroup v1 \(Docker's CgroupVersion\): works with the Kubernetes v1.34 node image/],
    ["Docker on cgroup v1 with a 1.35 node image", "1", false, 35, "fail", /the Kubernetes v1.35 node image needs cgroup v2/],
    ["Docker unreachable, host on cgroup v2", undefined, true, 34, "pass", /^cgroup v2 \(the host's \/sys\/fs\/cgroup, Docker not reachable\)$/],
    ["Docker unreachable, host on cgroup v1", undefined, false, 34, "warn", /^cgroup v1 \(the host's/],
  ])("%s", (_why, dockerSays, hostV2, minor, status, message) => {
    const info = dockerSays ? { serverVersion: "27.0.0", cgroupVersion: dockerSays } : undefined;
    const check = checkCgroup(host({ ...HEALTHY, cgroup2: hostV2 }), info, minor);
    expect(check.status).toBe(status);
    expect(check.message).toMatch(message);
  });
});

describe("kind", () => {
  it.each<[string, string, Check["status"]]>([
    ["v0.30.0, the recommended release", "0.30.0", "pass"],
    ["v0.31.1, newer", "0.31.1", "pass"],
    ["v0.27.0, works but older than recommended", "0.27.0", "warn"],
  ])("%s on PATH is used", async (_why, version, status) => {
    m.configure({ kindVersion: version });
    const { check, path } = await checkKind(host());
    expect(check.status).toBe(status);
    expect(check.message).toBe(`kind v${version} at ${join(m.bin, "kind")} (PATH)${status === "warn" ? " works; v0.30.0 is recommended (the pinned node image is its default)" : ""}`);
    expect(path).toBe(join(m.bin, "kind"));
  });

  it.each<[string, string, string]>([
    ["v0.26.0, older than the oldest tested", "0.26.0", "v0.26.0 is older than v0.27.0, the oldest cnilab's kind config is tested with"],
    ["a binary whose `kind version` fails", "broken", "`version` failed: kind: cannot execute binary file"],
  ])("%s on PATH is passed over: setup would fetch the pinned one", async (_why, version, why) => {
    m.configure({ kindVersion: version });
    const { check, path } = await checkKind(host());
    expect(path).toBeUndefined();
    expect(check).toEqual({
      id: "kind",
      status: "warn",
      message:
        `${join(m.bin, "kind")}: ${why}; \`cnilab setup\` would fetch kind v0.30.0 (linux-amd64) from ` +
        "https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-linux-amd64 (sha256 517ab7fc89ddeed5fa65abf71530d90648d9638ef0c4cde22c2c11f8097b8889) " +
        `to ${join(m.toolsDir, "kind/v0.30.0/kind")}`,
      fix: "cnilab setup (up, down and verify run it themselves when a tool is missing)",
    });
  });

  it("kind nowhere: warns with what setup would fetch; fails with how to install where no build is pinned", async () => {
    const noKind = installFakes(["docker", "pulumi"]);
    try {
      const h = host(HEALTHY, noKind);
      const { check, path } = await checkKind(h);
      expect(path).toBeUndefined();
      expect(check.status).toBe("warn");
      expect(check.message).toMatch(/^kind is not on PATH, in \/opt\/kind\/usr\/bin\/kind or the tools folder \(nor CNILAB_KIND set\); `cnilab setup` would fetch kind v0.30.0/);
      const windows = await checkKind({ ...h, os: { platform: "win32", arch: "x64" } });
      expect(windows.check).toMatchObject({ status: "fail", message: expect.stringMatching(/; cnilab pins no kind build for win32\/x64$/) });
      expect(windows.check.fix).toMatch(/^install kind v0.30.0: `go install sigs.k8s.io\/kind@v0.30.0`/);
    } finally {
      noKind.cleanup();
    }
  });

  it("finds the kind .ci/install-kind.sh unpacked in /opt/kind when it is not on PATH", async () => {
    const noKind = installFakes(["docker", "pulumi"]);
    try {
      const h = host({ ...HEALTHY, optKind: "#!/bin/sh\necho 'kind v0.27.0 go1.24.4 linux/amd64'\n" }, noKind);
      const { check, path } = await checkKind(h);
      expect(path).toBe(join(h.root, "/opt/kind/usr/bin/kind"));
      expect(check.status).toBe("warn");
      expect(check.message).toMatch(/^kind v0.27.0 at \/opt\/kind\/usr\/bin\/kind \(not on PATH; cnilab passes it on as CNILAB_KIND\)/);
    } finally {
      noKind.cleanup();
    }
  });

  it("uses CNILAB_KIND first, and fails when it is not executable", async () => {
    const other = join(m.dir, "my-kind");
    writeFileSync(other, "#!/bin/sh\necho 'kind v0.30.0 go1.24.6 linux/amd64'\n");
    chmodSync(other, 0o755);
    const h = host();
    const pinned = await checkKind({ ...h, env: { ...h.env, CNILAB_KIND: other } });
    expect(pinned).toEqual({ path: other, check: { id: "kind", status: "pass", message: `kind v0.30.0 at ${other} (from CNILAB_KIND)`, fix: "" } });
    const missing = await checkKind({ ...h, env: { ...h.env, CNILAB_KIND: join(m.dir, "nope") } });
    expect(missing.check).toMatchObject({ status: "fail", message: `CNILAB_KIND=${join(m.dir, "nope")} is not an executable file` });
  });
});

describe("pulumi", () => {
  it.each<[string, string, Check["status"], RegExp]>([
    ["3.270.0", "3.270.0", "pass", /^Pulumi v3.270.0 at /],
    ["3.181.0, the oldest that refreshes and destroys with an inline program", "3.181.0", "pass", /^Pulumi v3.181.0/],
    ["3.180.0, older: passed over", "3.180.0", "warn", /pulumi: v3.180.0 is older than v3.181.0 \(refresh and destroy with an inline program\); `cnilab setup` would fetch Pulumi v3.259.0/],
    ["4.0.0, a major the Automation API 3.x refuses: passed over", "4.0.0", "warn", /pulumi: v4.0.0 is not a 3.x CLI, which the Automation API in @pulumi\/pulumi 3.x needs; `cnilab setup` would fetch/],
  ])("%s", async (_why, version, status, message) => {
    m.configure({ pulumiVersion: version });
    const { check } = await checkPulumi(host());
    expect(check.status).toBe(status);
    expect(check.message).toMatch(message);
    // `pulumi version` would otherwise ask the network whether a newer CLI exists.
    expect(m.calls("pulumi")[0]!.env).toMatchObject({ PULUMI_SKIP_UPDATE_CHECK: "true" });
  });

  it("looks in ~/.pulumi/bin when pulumi is not on PATH", async () => {
    const noPulumi = installFakes(["docker", "kind"]);
    try {
      const h = host(HEALTHY, noPulumi);
      expect((await checkPulumi(h)).check).toMatchObject({ status: "warn", message: expect.stringMatching(/^the Pulumi CLI is not on PATH, in ~\/.pulumi\/bin or the tools folder; `cnilab setup` would fetch/) });
      mkdirSync(join(noPulumi.dir, ".pulumi/bin"), { recursive: true });
      writeFileSync(join(noPulumi.dir, ".pulumi/bin/pulumi"), "#!/bin/sh\necho v3.200.0\n");
      chmodSync(join(noPulumi.dir, ".pulumi/bin/pulumi"), 0o755);
      const { check, path } = await checkPulumi(h);
      expect(path).toBe(join(noPulumi.dir, ".pulumi/bin/pulumi"));
      expect(check).toMatchObject({ status: "pass", message: `Pulumi v3.200.0 at ${path} (not on PATH; cnilab uses it from there)` });
    } finally {
      noPulumi.cleanup();
    }
  });
});

describe("pulumi plugins", () => {
  const k8s = lockedPlugin("kubernetes");
  const docker = lockedPlugin("docker");

  it("pass when `pulumi plugin ls --json` lists kubernetes at the version package-lock pins: a cluster stack needs no docker plugin", async () => {
    m.configure({ plugins: KUBERNETES_ONLY });
    expect(await checkPlugins(host(), join(m.bin, "pulumi"))).toEqual({ id: "pulumi-plugins", status: "pass", message: `Pulumi plugin kubernetes v${k8s} installed`, fix: "" });
    expect(m.calls("pulumi").map((c) => c.argv.join(" "))).toEqual(["plugin ls --json"]);
  });

  it("for a Docker-only lab (doctor --backend docker-<driver>) asks for docker, which cluster stacks no longer need", async () => {
    m.configure({ plugins: KUBERNETES_ONLY });
    expect(await checkPlugins(host(), join(m.bin, "pulumi"), "docker")).toMatchObject({ status: "warn", fix: `pulumi plugin install resource docker v${docker}` });
    m.configure({ plugins: BOTH_PLUGINS });
    expect(await checkPlugins(host(), join(m.bin, "pulumi"), "docker")).toMatchObject({ status: "pass", message: `Pulumi plugin docker v${docker} installed` });
  });

  it("warns with the install command for a missing one or another version (up installs them)", async () => {
    m.configure({ plugins: [{ name: "kubernetes", kind: "resource", version: "4.0.0" }, { name: "docker", kind: "resource", version: docker }] });
    expect(await checkPlugins(host(), join(m.bin, "pulumi"))).toEqual({
      id: "pulumi-plugins",
      status: "warn",
      message: `Pulumi plugin kubernetes v${k8s} not installed (the versions the installed @pulumi packages declare); cnilab up installs it, which needs the network once`,
      fix: `pulumi plugin install resource kubernetes v${k8s}`,
    });
  });
});

describe("pulumi plugins on PATH (ambient: Pulumi runs them for any requested version)", () => {
  const k8s = lockedPlugin("kubernetes");
  const docker = lockedPlugin("docker");
  /** A provider built from source, beside the CLI (cnilab puts the CLI's folder first on PATH, as cmd.js does). */
  function ambientKubernetes(): string {
    const path = join(m.bin, "pulumi-resource-kubernetes");
    writeFileSync(path, "#!/bin/sh\nexit 0\n");
    chmodSync(path, 0o755);
    return path;
  }

  it("count as present, named with their path and the version they stand in for, and are not asked for", async () => {
    const path = ambientKubernetes();
    expect(await checkPlugins(host(), join(m.bin, "pulumi"))).toEqual({
      id: "pulumi-plugins",
      status: "pass",
      message: `Pulumi plugin kubernetes from PATH at ${path} (used for v${k8s})`,
      fix: "",
    });
    expect(m.calls("pulumi")).toEqual([]);
  });

  it("a Docker-only lab's docker provider on PATH counts too", async () => {
    ambientKubernetes();
    const path = join(m.bin, "pulumi-resource-docker");
    writeFileSync(path, "#!/bin/sh\nexit 0\n");
    chmodSync(path, 0o755);
    expect((await checkPlugins(host(), join(m.bin, "pulumi"), "docker")).message).toBe(`Pulumi plugin docker from PATH at ${path} (used for v${docker})`);
    expect(m.calls("pulumi")).toEqual([]);
  });

  it("do not count with PULUMI_IGNORE_AMBIENT_PLUGINS=true, which makes Pulumi skip them", async () => {
    ambientKubernetes();
    m.configure({ plugins: [{ name: "docker", kind: "resource", version: docker }] });
    const h = host();
    const check = await checkPlugins({ ...h, env: { ...h.env, PULUMI_IGNORE_AMBIENT_PLUGINS: "true" } }, join(m.bin, "pulumi"));
    expect(check).toMatchObject({ status: "warn", fix: `pulumi plugin install resource kubernetes v${k8s}` });
  });
});

describe("host resources", () => {
  const shape = { workers: 2, families: ["flannel"] as const };

  it("inotify: pass at kind's recommended limits, warn below with the sysctl, warn when unreadable", () => {
    expect(checkInotify(host()).status).toBe("pass");
    const low = checkInotify(host({ ...HEALTHY, inotify: { watches: 8192, instances: 128 } }));
    expect(low).toEqual({
      id: "inotify",
      status: "warn",
      message: 'max_user_watches = 8192, max_user_instances = 128: below 524288 / 512; multi-node kind clusters fail with "too many open files"',
      fix: "sudo sysctl -w fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512 (persist in /etc/sysctl.d/99-cnilab.conf)",
    });
    expect(checkInotify(host({ ...HEALTHY, inotify: null })).status).toBe("warn");
  });

  it("memory estimate: control plane 1 GB, worker 0.4 GB, calico 0.3 GB per node more than flannel's 0.1", () => {
    expect(memoryEstimateGib({ workers: 2, families: ["flannel"] })).toBeCloseTo(1.0 + 0.8 + 0.3 + 0.2);
    expect(memoryEstimateGib({ workers: 2, families: ["calico"] })).toBeCloseTo(1.0 + 0.8 + 0.9 + 0.2);
    expect(memoryEstimateGib({ workers: 2, families: ["flannel", "calico"] })).toBeCloseTo(memoryEstimateGib({ workers: 2, families: ["calico"] }));
  });

  it.each<[string, number | null, Check["status"]]>([
    ["plenty", 8 * 1024 * 1024, "pass"],
    ["tight (under 1.5× the estimate)", 3 * 1024 * 1024, "warn"],
    ["too little", 1 * 1024 * 1024, "fail"],
    ["unreadable /proc/meminfo", null, "warn"],
  ])("memory: %s", (_why, kb, status) => {
    expect(checkMemory(host({ ...HEALTHY, memAvailableKb: kb }), shape).status).toBe(status);
  });

  it.each<[string, number, number, Check["status"]]>([
    ["plenty", 100, 200, "pass"],
    ["less than the node image and images need", 2, 200, "fail"],
    ["enough, but leaving under 15% free (kubelet evicts)", 20, 200, "warn"],
  ])("disk: %s", async (_why, freeGib, totalGib, status) => {
    const h = { ...host(), statfs: async () => ({ freeBytes: freeGib * GIB, totalBytes: totalGib * GIB }) };
    expect((await checkDisk(h, shape, "/var/lib/docker")).status).toBe(status);
  });

  it("disk: measures Docker's root-only data root through its nearest readable parent", async () => {
    const asked: string[] = [];
    const h = {
      ...host(),
      statfs: async (p: string) => {
        asked.push(p);
        if (p.endsWith("/docker")) throw Object.assign(new Error("EACCES"), { code: "EACCES" });
        return { freeBytes: 50 * GIB, totalBytes: 100 * GIB };
      },
    };
    const check = await checkDisk(h, shape, "/var/lib/docker");
    expect(asked).toEqual([join(h.root, "/var/lib/docker"), join(h.root, "/var/lib")]);
    expect(check).toMatchObject({ status: "pass", message: "50.0 GiB free on the filesystem of /var/lib/docker; the node image and 3 nodes' images need about 2.5 GiB" });
  });

  it("disk: without Docker's data root, measures the working directory", async () => {
    const h = host();
    const seen: string[] = [];
    await checkDisk({ ...h, statfs: async (p) => (seen.push(p), { freeBytes: 50 * GIB, totalBytes: 100 * GIB }) }, shape, undefined);
    expect(seen).toEqual([h.cwd]);
  });
});

describe("runDoctor", () => {
  it("all good: exit 0, every check passes, in the documented order", async () => {
    m.configure({ plugins: BOTH_PLUGINS });
    const report = await runChecks(host(), { backends: ["flannel-vxlan"], workers: 2, kubernetesMinor: 34 });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["node", "pass"],
      ["docker", "pass"],
      ["docker-cgroup", "pass"],
      ["kind", "pass"],
      ["pulumi", "pass"],
      ["pulumi-plugins", "pass"],
      ["kernel-br_netfilter", "pass"],
      ["kernel-vxlan", "pass"],
      ["ip-forward", "pass"],
      ["inotify", "pass"],
      ["memory", "pass"],
      ["disk", "pass"],
    ]);
    const io = captureIo(m.env);
    expect(await runDoctor(["--backend", "flannel-vxlan"], io, host())).toBe(0);
    expect(io.out()).toMatch(/^cnilab doctor — flannel-vxlan, 1 control plane \+ 2 workers\n\npass  node {17}Node \S+ satisfies package.json engines.node ">=\S+"\npass  docker {15}Docker 28.2.2 is reachable/);
    expect(io.out()).toMatch(/\n12 pass, 0 warn, 0 fail\n\ncnilab setup fetches \(linux-amd64\):\n {2}kind {4}v0.30.0 {3}https:\/\/github.com\/kubernetes-sigs\/kind\/releases\/download\/v0.30.0\/kind-linux-amd64\n/);
    expect(io.out()).toContain(`→ ${join(m.toolsDir, "pulumi/v3.259.0/bin/pulumi")} (not needed: ${join(m.bin, "pulumi")} is used)`);
  });

  it("--json prints {checks:[{id,status,message,fix}], setup:[…]} and exits 1 on a failure", async () => {
    m.configure({ pulumiVersion: "3.10.0" });
    const io = captureIo(m.env);
    expect(await runDoctor(["--json"], io, host({ ...HEALTHY, ipForward: 0 }))).toBe(1);
    const { checks, setup } = JSON.parse(io.out()) as { checks: Check[]; setup: Record<string, string>[] };
    for (const c of checks) expect(Object.keys(c)).toEqual(["id", "status", "message", "fix"]);
    // Too old a Pulumi is passed over: setup (or the next up) fetches the pinned one, so it only warns.
    expect(checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual(["ip-forward"]);
    expect(checks.find((c) => c.id === "pulumi")!.status).toBe("warn");
    expect(setup.map((s) => [s.tool, s.version, s.platform, s.sha256])).toEqual([
      ["kind", "v0.30.0", "linux-amd64", "517ab7fc89ddeed5fa65abf71530d90648d9638ef0c4cde22c2c11f8097b8889"],
      ["pulumi", "v3.259.0", "linux-amd64", "94ba357acac23d01474084c4b00098dc0f7bc70ce13f34c777459254a5f718e5"],
    ]);
    // Without --backend every backend's modules are checked.
    expect(checks.filter((c) => c.id.startsWith("kernel-")).map((c) => c.id).sort()).toEqual(
      ["kernel-br_netfilter", "kernel-ipip", "kernel-ipvlan", "kernel-macvlan", "kernel-tun", "kernel-vxlan"],
    );
    expect(BACKENDS.length).toBe(12);
  });

  it("warnings alone exit 0 and print their fixes", async () => {
    m.configure({ kindVersion: "0.27.0" });
    const io = captureIo(m.env);
    expect(await runDoctor([], io, host())).toBe(0);
    expect(io.out()).toMatch(/\nwarn  kind +kind v0.27.0 at .* works; v0.30.0 is recommended/);
    expect(io.out()).toMatch(/\n +fix: install kind v0.30.0/);
  });

  it("bad usage exits 2: unknown backend (with a suggestion), stray argument, unknown option", async () => {
    for (const [argv, message] of [
      [["doctor", "--backend", "flannel-vxlam"], "unknown backend 'flannel-vxlam' (did you mean 'flannel-vxlan'?)"],
      [["doctor", "extra"], "unexpected argument 'extra'"],
      [["doctor", "--verbose"], "unknown option '--verbose'; options: --backend <value>"],
    ] as const) {
      const io = captureIo(m.env);
      expect(await main([...argv], io)).toBe(2);
      expect(io.err()).toContain(message);
    }
  });
});
