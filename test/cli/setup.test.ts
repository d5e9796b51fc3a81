/**
 * `cnilab setup` and the fetch-when-missing of up, against a loopback server of stand-in release
 * assets (fakes/tool-server.ts): a right sum installs an executable that `up` then runs, a wrong sum
 * is refused leaving nothing, a server that is down (or no network) is one line and exit 2, a newer
 * kind on PATH wins, and --dry-run prints the real pinned URLs and sums and fetches nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Host } from "../../host/host";
import { runSetup } from "../../cli/setup";
import { locateTool } from "../../host/tools";
import { runUp } from "../../cli/up";
import { installFakes, type FakeMachine, type FakeTool } from "./fakes/install";
import { HEALTHY, makeRoot } from "./fakes/root";
import { closedPort, startToolServer, type ToolServer } from "./fakes/tool-server";
import { captureIo, withoutWarnings } from "./io";

/**
 * The pinned assets, copied by hand from the sources pins/tools.ts cites (kind: f110/mono
 * build/rules/kind/assets.bzl "0.30.0"; Pulumi: pulumi/homebrew-tap Formula/pulumi.rb 3.259.0).
 */
const REAL: Record<string, { os: { platform: string; arch: string }; kind: [string, string]; pulumi: [string, string] }> = {
  "linux-amd64": {
    os: { platform: "linux", arch: "x64" },
    kind: ["https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-linux-amd64", "517ab7fc89ddeed5fa65abf71530d90648d9638ef0c4cde22c2c11f8097b8889"],
    pulumi: ["https://github.com/pulumi/pulumi/releases/download/v3.259.0/pulumi-v3.259.0-linux-x64.tar.gz", "94ba357acac23d01474084c4b00098dc0f7bc70ce13f34c777459254a5f718e5"],
  },
  "linux-arm64": {
    os: { platform: "linux", arch: "arm64" },
    kind: ["https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-linux-arm64", "7ea2de9d2d190022ed4a8a4e3ac0636c8a455e460b9a13ccf19f15d07f4f00eb"],
    pulumi: ["https://github.com/pulumi/pulumi/releases/download/v3.259.0/pulumi-v3.259.0-linux-arm64.tar.gz", "edc8327463a72160bb36cf82cf5062da9c8a244290a706d9980988e7bf486853"],
  },
  "darwin-amd64": {
    os: { platform: "darwin", arch: "x64" },
    kind: ["https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-darwin-amd64", "4f0b6e3b88bdc66d922c08469f05ef507d4903dd236e6319199bb9c868eed274"],
    pulumi: ["https://github.com/pulumi/pulumi/releases/download/v3.259.0/pulumi-v3.259.0-darwin-x64.tar.gz", "eaca4c3b8277bfa3ab061fa3b270d1c66358a0b2e613da8c5587a04b7226c534"],
  },
  "darwin-arm64": {
    os: { platform: "darwin", arch: "arm64" },
    kind: ["https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-darwin-arm64", "ceaf40df1d1551c481fb50e3deb5c3deecad5fd599df5469626b70ddf52a1518"],
    pulumi: ["https://github.com/pulumi/pulumi/releases/download/v3.259.0/pulumi-v3.259.0-darwin-arm64.tar.gz", "57c27f179e527e2cf9f62b841a448af72a020e44b2fb4ee0d9bd85556c00c864"],
  },
};

const PROXY = "behind a proxy: export HTTPS_PROXY=<proxy> NODE_USE_ENV_PROXY=1";
let m: FakeMachine;
let server: ToolServer;
const cleanups: (() => unknown)[] = [];

async function machine(tools: readonly FakeTool[]) {
  m = installFakes(tools);
  server = await startToolServer(m);
  cleanups.push(() => m.cleanup(), () => server.close());
}
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The fake machine's host, its tools folder fed by the stand-in server (or `shelf` instead). */
function hostWith(shelf: Partial<NonNullable<Host["tools"]>> = {}): Host {
  const h = m.host(makeRoot(HEALTHY));
  return { ...h, tools: { dir: m.toolsDir, mirror: server.url, pins: server.pins, ...shelf } };
}
const kindTarget = () => join(m.toolsDir, "kind/v0.30.0/kind");
const pulumiTarget = () => join(m.toolsDir, "pulumi/v3.259.0/bin/pulumi");
const isExec = (p: string) => existsSync(p) && (statSync(p).mode & 0o111) === 0o111;
const leftInTools = () => (existsSync(m.toolsDir) ? readdirSync(m.toolsDir) : []);

describe("cnilab setup", () => {
  beforeEach(() => machine(["docker"]));

  it("right sums: both tools installed, executable, the language host beside pulumi; a second run fetches nothing", async () => {
    const io = captureIo(m.env);
    expect(await runSetup([], io, hostWith())).toBe(0);
    expect(io.err()).toBe("");
    expect(isExec(kindTarget())).toBe(true);
    expect(isExec(pulumiTarget())).toBe(true);
    expect(isExec(join(m.toolsDir, "pulumi/v3.259.0/bin/pulumi-language-nodejs"))).toBe(true);
    expect(readdirSync(m.toolsDir).sort()).toEqual(["kind", "pulumi"]);
    expect(server.requests).toEqual(["/kind-linux-amd64", "/pulumi-v3.259.0-linux-x64.tar.gz"]);
    expect(io.out()).toContain(`fetching kind v0.30.0 (linux-amd64) from ${server.url}/kind-linux-amd64\n`);
    expect(io.out()).toMatch(new RegExp(`kind v0.30.0: [\\d.]+ MiB in [\\d.]+ s, sha256 verified, installed at ${kindTarget()}\\n`));
    expect(io.out()).toContain(`cnilab uses kind v0.30.0 at ${kindTarget()} (tools folder, fetched by cnilab setup)\n`);
    expect(io.out()).toContain(`cnilab uses pulumi v3.259.0 at ${pulumiTarget()} (tools folder, fetched by cnilab setup)\n`);

    const again = captureIo(m.env);
    expect(await runSetup([], again, hostWith())).toBe(0);
    expect(again.out()).toContain(`kind v0.30.0: already installed at ${kindTarget()}\n`);
    expect(server.requests).toHaveLength(2);
  });

  it("a wrong sum is refused with the file and both sums, and leaves nothing behind", async () => {
    const io = captureIo(m.env);
    // The stand-in served under the real pins: its bytes are not kind v0.30.0's.
    const standIn = createHash("sha256").update(server.files.get("kind-linux-amd64")!).digest("hex");
    expect(await runSetup([], io, hostWith({ pins: undefined }))).toBe(2);
    expect(io.err()).toBe(
      `cnilab setup: kind-linux-amd64 from ${server.url}/kind-linux-amd64 has sha256 ${standIn}, but kind v0.30.0 is pinned to sha256 ` +
        "517ab7fc89ddeed5fa65abf71530d90648d9638ef0c4cde22c2c11f8097b8889 (pins/tools.ts); refused, nothing installed\n",
    );
    expect(leftInTools()).toEqual([]);
    // On a fresh checkout the state folder itself is made for the install, and taken back with it.
    const fresh = join(m.dir, "fresh");
    expect(await runSetup([], captureIo(m.env), hostWith({ pins: undefined, dir: join(fresh, ".cnilab", "tools") }))).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });

  it("a server that is down, a missing file, no network: one line, exit 2, nothing left", async () => {
    const port = await closedPort();
    const down = captureIo(m.env);
    expect(await runSetup([], down, hostWith({ mirror: `http://127.0.0.1:${port}` }))).toBe(2);
    expect(down.err()).toBe(`cnilab setup: cannot download kind v0.30.0 from http://127.0.0.1:${port}/kind-linux-amd64: connect ECONNREFUSED 127.0.0.1:${port} (${PROXY})\n`);

    const missing = captureIo(m.env);
    expect(await runSetup([], missing, hostWith({ mirror: `${server.url}/nothing-here` }))).toBe(2);
    expect(missing.err()).toBe(`cnilab setup: cannot download kind v0.30.0 from ${server.url}/nothing-here/kind-linux-amd64: HTTP 404 Not Found (${PROXY})\n`);

    // No mirror: the real URL, which the tests' fetch refuses as a machine without network would.
    const offline = captureIo(m.env);
    expect(await runSetup([], offline, hostWith({ mirror: undefined, pins: undefined }))).toBe(2);
    expect(offline.err()).toBe(
      "cnilab setup: cannot download kind v0.30.0 from https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-linux-amd64: tests reach only loopback, not github.com (behind a proxy: export HTTPS_PROXY=<proxy> NODE_USE_ENV_PROXY=1)\n",
    );
    expect(leftInTools()).toEqual([]);
  });

  it("--dry-run prints the real pinned URL, sum and target for every platform, and fetches nothing", async () => {
    const fetched: string[] = [];
    const refuse = (async (url: string | URL | Request) => {
      fetched.push(String(url));
      throw new Error("--dry-run must not fetch");
    }) as typeof fetch;
    for (const [platform, real] of Object.entries(REAL)) {
      const io = captureIo(m.env);
      const host = { ...hostWith({ mirror: undefined, pins: undefined, fetch: refuse }), os: real.os };
      expect(await runSetup(["--dry-run"], io, host)).toBe(0);
      expect(io.out()).toBe(
        `cnilab setup --dry-run: ${platform}, into ${m.toolsDir}; nothing is fetched\n` +
          `\nkind    v0.30.0\n  url     ${real.kind[0]}\n  sha256  ${real.kind[1]}\n  target  ${kindTarget()} (not installed)\n` +
          `\npulumi  v3.259.0\n  url     ${real.pulumi[0]}\n  sha256  ${real.pulumi[1]}\n  target  ${pulumiTarget()} (not installed)\n`,
      );
    }
    expect(fetched).toEqual([]);
    expect(server.requests).toEqual([]);
    expect(existsSync(m.toolsDir)).toBe(false);
  });

  it("a machine with no pinned build: one line naming it, exit 2", async () => {
    const io = captureIo(m.env);
    expect(await runSetup([], io, { ...hostWith(), os: { platform: "win32", arch: "x64" } })).toBe(2);
    expect(io.err()).toMatch(/^cnilab setup: no kind and Pulumi builds are pinned for win32\/x64 \(pinned: linux-amd64, linux-arm64, darwin-amd64, darwin-arm64\); .*\n$/);
  });
});

describe("which kind and Pulumi every command uses", () => {
  it("a newer kind on PATH wins over the tools folder; one older than supported is passed over", async () => {
    await machine(["docker", "kind", "pulumi"]);
    expect(await runSetup([], captureIo(m.env), hostWith())).toBe(0);
    m.configure({ kindVersion: "0.31.0" });
    const newer = await locateTool(hostWith(), "kind");
    expect(newer.use).toMatchObject({ path: join(m.bin, "kind"), origin: "PATH", version: [0, 31, 0] });
    m.configure({ kindVersion: "0.26.0" });
    const older = await locateTool(hostWith(), "kind");
    expect(older.use).toMatchObject({ path: kindTarget(), origin: "tools folder", version: [0, 30, 0] });
    expect(older.passedOver).toEqual([
      { path: join(m.bin, "kind"), shown: join(m.bin, "kind"), origin: "PATH", why: "v0.26.0 is older than v0.27.0, the oldest cnilab's kind config is tested with" },
    ]);
  });
});

describe("cnilab up on a machine with Docker and nothing else", () => {
  beforeEach(async () => {
    await machine(["docker"]);
    m.configure({ program: { resources: [], outputs: {} } });
  });
  const up = async (host: Host) => {
    const io = captureIo(m.env, m.dir);
    const code = await runUp(["flannel-vxlan"], io, { host, root: m.project, tty: false });
    return { code, out: io.out(), err: io.err() };
  };

  it("fetches kind and Pulumi first, with progress, then runs them: pulumi from the tools folder, kind as CNILAB_KIND", async () => {
    const r = await up(hostWith());
    expect(withoutWarnings(r.err, "up")).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\] kind is missing: fetching the pinned one \(cnilab setup\)\n/);
    expect(r.out).toContain(`] fetching pulumi v3.259.0 (linux-amd64) from ${server.url}/pulumi-v3.259.0-linux-x64.tar.gz\n`);
    expect(r.out).toContain(`sha256 verified, installed at ${pulumiTarget()}\n`);
    // No pulumi on PATH: every call the fake recorded came through the tools folder's pulumi; those
    // of the Automation API (not the doctor's own `plugin ls`) carry the fetched kind.
    const calls = m.calls("pulumi").filter((c) => c.env?.PULUMI_AUTOMATION_API === "true" && c.argv[0] !== "version");
    expect(calls.map((c) => c.argv[0])).toContain("up");
    for (const c of calls) expect(c.env?.CNILAB_KIND).toBe(kindTarget());
    expect(server.requests).toHaveLength(2);
    expect((await up(hostWith())).code).toBe(0);
    expect(server.requests).toHaveLength(2);
  }, 60_000);

  it("a tools-folder kind that does not run is not fetched again: one line saying to remove it, exit 2", async () => {
    expect(await runSetup([], captureIo(m.env), hostWith())).toBe(0);
    writeFileSync(kindTarget(), "#!/bin/sh\necho 'exec format error' >&2\nexit 126\n");
    const r = await up(hostWith());
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `cnilab up: missing prerequisite: ${kindTarget()}: \`version\` failed: exec format error; ${kindTarget()} in the tools folder does not run ` +
        `(\`version\` failed: exec format error): remove ${join(m.toolsDir, "kind")} and run \`cnilab setup\` again. ` +
        `Fix: install kind v0.30.0: \`go install sigs.k8s.io/kind@v0.30.0\` or the release binary (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), or point CNILAB_KIND at a kind binary\n`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it("with the download server down: one line naming the tool and the cause, exit 2, nothing created", async () => {
    const port = await closedPort();
    const r = await up(hostWith({ mirror: `http://127.0.0.1:${port}` }));
    expect(r.code).toBe(2);
    expect(r.err.split("\n").filter((l) => l !== "")).toEqual([
      expect.stringMatching(
        new RegExp(`^cnilab up: missing prerequisite: kind is not on PATH, .*; cannot download kind v0.30.0 from http://127.0.0.1:${port}/kind-linux-amd64: connect ECONNREFUSED 127.0.0.1:${port}\\. Fix: check the network`),
      ),
      expect.stringMatching(/^cnilab up: missing prerequisite: the Pulumi CLI is not on PATH, .*; cannot download pulumi v3.259.0 from .*: connect ECONNREFUSED/),
    ]);
    expect(m.calls("pulumi")).toEqual([]);
    expect(leftInTools()).toEqual([]);
  });
});
