/**
 * ensurePlugins: what `cnilab up` installs before an update. A plugin the CLI's PATH provides is
 * never installed (Pulumi runs it for any version), so a provider built from source needs no network.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { afterEach, describe, expect, it } from "vitest";
import { ensurePlugins, type PluginPin } from "../../host/pulumi-plugins";

const PINS: PluginPin[] = [
  { name: "kubernetes", version: "4.34.2" },
  { name: "docker", version: "5.2.0" },
];
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder holding an executable stand-in for each named file. */
function folderWith(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-plugins-"));
  dirs.push(dir);
  mkdirSync(join(dir, "bin"));
  for (const f of files) {
    writeFileSync(join(dir, "bin", f), "#!/bin/sh\nexit 0\n");
    chmodSync(join(dir, "bin", f), 0o755);
  }
  return join(dir, "bin");
}

/** The workspace calls ensurePlugins makes, recorded; `plugin ls` lists nothing. */
function workspace(command: string, envVars: Record<string, string>) {
  const installed: string[] = [];
  const ws = {
    pulumiCommand: { command },
    envVars,
    listPlugins: async () => [],
    installPlugin: async (name: string, version: string) => void installed.push(`${name} ${version}`),
  } as unknown as LocalWorkspace;
  return { ws, installed };
}

describe("ensurePlugins", () => {
  it("installs each pinned plugin `pulumi plugin ls` lacks", async () => {
    const cli = folderWith("pulumi");
    const { ws, installed } = workspace(join(cli, "pulumi"), { PATH: "/nonexistent" });
    expect(await ensurePlugins(ws, PINS)).toEqual({ installed: PINS });
    expect(installed).toEqual(["kubernetes v4.34.2", "docker v5.2.0"]);
  });

  it("skips a plugin beside the CLI, whose folder the CLI call puts first on PATH", async () => {
    const cli = folderWith("pulumi", "pulumi-resource-kubernetes");
    const { ws, installed } = workspace(join(cli, "pulumi"), { PATH: "/nonexistent" });
    expect(await ensurePlugins(ws, PINS)).toEqual({ installed: [PINS[1]] });
    expect(installed).toEqual(["docker v5.2.0"]);
  });

  it("skips a plugin on the workspace's PATH, unless PULUMI_IGNORE_AMBIENT_PLUGINS is set", async () => {
    const cli = folderWith("pulumi");
    const plugins = folderWith("pulumi-resource-kubernetes", "pulumi-resource-docker");
    const ambient = workspace(join(cli, "pulumi"), { PATH: plugins });
    expect(await ensurePlugins(ambient.ws, PINS)).toEqual({ installed: [] });
    const ignored = workspace(join(cli, "pulumi"), { PATH: plugins, PULUMI_IGNORE_AMBIENT_PLUGINS: "1" });
    expect(await ensurePlugins(ignored.ws, PINS)).toEqual({ installed: PINS });
  });
});
