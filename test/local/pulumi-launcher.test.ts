/**
 * local/pulumi/pulumi-resource-pulumi-nodejs, the launcher the Pulumi engine starts for dynamic
 * providers, run for real: from a program's directory it reaches that program's
 * @pulumi/pulumi/cmd/dynamic-provider with the engine's arguments; elsewhere it says why not.
 * Only loopback is bound (the provider's gRPC port), and every process is bounded in time.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const LAUNCHER = join(ROOT, "local/pulumi/pulumi-resource-pulumi-nodejs");
/** This test's own node first, then only the system folders (sh, dirname). */
const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
const outside = mkdtempSync(join(tmpdir(), "cnilab-launcher-"));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

const launch = (cwd: string, args: string[], path = PATH) =>
  spawnSync(LAUNCHER, args, { cwd, env: { PATH: path }, encoding: "utf8", timeout: 20_000 });

describe("pulumi-resource-pulumi-nodejs", () => {
  it("runs the program's dynamic-provider script, which asks for the engine's address when given none", () => {
    const r = launch(ROOT, []);
    // @pulumi/pulumi 3.270.0 cmd/dynamic-provider/index.js main(): no argument is fatal.
    expect(r.stderr).toContain("Missing <engine> address");
    expect(r.status).not.toBe(0);
  });

  it("passes the engine's address on: the provider binds a loopback port and prints it", async () => {
    const child = spawn(LAUNCHER, ["127.0.0.1:1"], { cwd: ROOT, env: { PATH }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error("no port printed within 20 s")), 20_000);
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("\n")) {
            clearTimeout(timer);
            resolve(out.split("\n")[0]!);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before printing a port`)));
      });
      expect(Number(firstLine)).toBeGreaterThan(0);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("names the directory when @pulumi/pulumi is not resolvable from it", () => {
    const r = launch(outside, ["127.0.0.1:1"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`@pulumi/pulumi/cmd/dynamic-provider is not resolvable from ${outside}`);
  });

  it("says so when there is no node on PATH", () => {
    // An empty folder as the whole PATH: the launcher needs only /bin/sh and its builtins.
    const r = launch(ROOT, [], outside);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no node on PATH");
  });
});
