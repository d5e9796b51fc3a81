/**
 * Where cnilab reads and writes (host/state.ts), what Pulumi gets in its environment (labEnv), and
 * the copy of a stack's settings Pulumi may write to (stack-settings.ts), as data.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BACKEND_SUBDIR, backendUrl, labEnv } from "../../cli/pulumi";
import { settingsCopy, syncSettingsCopy } from "../../cli/stack-settings";
import { projectStateDir, PROJECT_ROOT, stateDir, stateFolder, userDir } from "../../host/state";
import { REPO_ROOT } from "./fakes/install";

describe("the state directory and the user's directory", () => {
  it("defaults to .cnilab in the project, whatever the working directory", () => {
    expect(stateDir({}, "/somewhere/else")).toBe(join(PROJECT_ROOT, ".cnilab"));
    expect(PROJECT_ROOT).toBe(REPO_ROOT);
  });

  it("CNILAB_STATE moves it; a relative value means the user's directory", () => {
    expect(stateDir({ CNILAB_STATE: "/var/tmp/labs" }, "/home/u/work")).toBe("/var/tmp/labs");
    expect(stateDir({ CNILAB_STATE: "labs" }, "/home/u/work")).toBe("/home/u/work/labs");
  });

  it("an installed package keeps state out of node_modules: $XDG_STATE_HOME/cnilab, else ~/.local/state/cnilab", () => {
    const installed = "/home/u/app/node_modules/cnilab";
    expect(stateDir({ HOME: "/home/u" }, "/tmp", installed)).toBe("/home/u/.local/state/cnilab");
    expect(stateDir({ HOME: "/home/u", XDG_STATE_HOME: "/xdg/state" }, "/tmp", installed)).toBe("/xdg/state/cnilab");
    expect(stateDir({ HOME: "/home/u", CNILAB_STATE: "/s" }, "/tmp", installed)).toBe("/s");
  });

  it("each thing in the state directory has its folder there, so CNILAB_STATE moves them together", () => {
    expect(stateFolder({}, "/home/u", "tools", "/p")).toBe("/p/.cnilab/tools");
    expect(stateFolder({ CNILAB_STATE: "st" }, "/home/u", "tools", "/p")).toBe("/home/u/st/tools");
    expect(stateFolder({ CNILAB_STATE: "/s" }, "/home/u", "e2e", "/p")).toBe("/s/e2e");
    expect(stateFolder({ CNILAB_STATE: "/s" }, "/home/u", "backend", "/p")).toBe("/s/state");
  });

  it("what a plan names (the registry mirrors' folder) stays in the project's own .cnilab, whatever CNILAB_STATE says", () => {
    expect(projectStateDir("/p")).toBe("/p/.cnilab");
  });

  it("relative paths mean INIT_CWD under `npm run` (npm runs scripts in the package root)", () => {
    expect(userDir({ INIT_CWD: "/home/u/work" }, PROJECT_ROOT)).toBe("/home/u/work");
    expect(userDir({}, "/home/u/work")).toBe("/home/u/work");
  });
});

describe("the backend and Pulumi's environment", () => {
  const places = { root: "/p", cwd: "/home/u" };

  it("the file backend sits in the state directory, so CNILAB_STATE moves it with the results", () => {
    expect(backendUrl({ ...places, env: {} })).toBe("file:///p/.cnilab/state");
    expect(backendUrl({ ...places, env: { CNILAB_STATE: "st" } })).toBe("file:///home/u/st/state");
    expect(backendUrl({ ...places, env: { CNILAB_STATE: "st", PULUMI_BACKEND_URL: "s3://bucket/labs" } })).toBe("s3://bucket/labs");
  });

  it("Pulumi.yaml's backend, resolved from the project root as pulumi resolves it, is cnilab's default backend", () => {
    const project = parse(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { backend: { url: string } };
    const dir = resolve(REPO_ROOT, project.backend.url.slice("file://".length));
    expect(`file://${dir}`).toBe(backendUrl({ root: REPO_ROOT, cwd: "/elsewhere", env: {} }));
    expect(dir).toBe(join(REPO_ROOT, ".cnilab", BACKEND_SUBDIR));
  });

  it("the default passphrase applies to the local file backend only", () => {
    expect(labEnv({ ...places, env: {} }).PULUMI_CONFIG_PASSPHRASE).toBe("cnilab");
    expect(labEnv({ ...places, env: { PULUMI_BACKEND_URL: "file:///shared/nfs" } }).PULUMI_CONFIG_PASSPHRASE).toBe("cnilab");
    for (const url of ["s3://bucket/labs", "https://api.pulumi.com", "gs://bucket", "azblob://container"]) {
      const env = labEnv({ ...places, env: { PULUMI_BACKEND_URL: url } });
      expect(env.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
      expect(env.PULUMI_BACKEND_URL).toBe(url);
    }
    expect(labEnv({ ...places, env: { PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE: "mine" } }).PULUMI_CONFIG_PASSPHRASE).toBe("mine");
  });

  it("nothing for a language host: the program runs inline, in cnilab", () => {
    expect(Object.keys(labEnv({ ...places, env: {} })).filter((k) => k.startsWith("PULUMI_NODEJS_"))).toEqual([]);
  });
});

describe("the copy of the stack settings Pulumi writes to", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cnilab-settings-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: cnilab\nruntime:\n  name: nodejs\nstackConfigDir: stacks\nbackend:\n  url: file://./.cnilab/state\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("follows the tracked file and keeps the salt Pulumi added to the copy", () => {
    const tracked = join(dir, "Pulumi.lab.yaml");
    writeFileSync(tracked, "config:\n  cnilab:lab: netpol\n");
    const copy = settingsCopy(join(dir, "state"), "file:///x", true, "lab");
    expect(copy.file).toBe(join(dir, "state/stack-settings/default/stacks/Pulumi.lab.yaml"));
    syncSettingsCopy(copy, join(dir, "Pulumi.yaml"), tracked);
    expect(readFileSync(copy.file, "utf8")).toBe("config:\n  cnilab:lab: netpol\n");
    // The folder `stack init` runs in: the project's name and runtime, its stack settings in stacks/.
    expect(parse(readFileSync(join(copy.projectDir, "Pulumi.yaml"), "utf8"))).toEqual({ name: "cnilab", runtime: { name: "nodejs" }, stackConfigDir: "stacks" });

    writeFileSync(copy.file, readFileSync(copy.file, "utf8") + "encryptionsalt: v1:abc=\n");
    writeFileSync(tracked, "config:\n  cnilab:lab: netpol\n  cnilab:workers: \"3\"\n");
    syncSettingsCopy(copy, join(dir, "Pulumi.yaml"), tracked);
    expect(readFileSync(copy.file, "utf8")).toBe('config:\n  cnilab:lab: netpol\n  cnilab:workers: "3"\nencryptionsalt: "v1:abc="\n');
    expect(readFileSync(tracked, "utf8")).toBe('config:\n  cnilab:lab: netpol\n  cnilab:workers: "3"\n');
  });

  it("a salt in the tracked file (a stack made by plain pulumi) wins over the copy's", () => {
    const tracked = join(dir, "Pulumi.lab.yaml");
    const copy = settingsCopy(join(dir, "state"), "file:///x", true, "lab");
    writeFileSync(tracked, "config: {}\n");
    syncSettingsCopy(copy, join(dir, "Pulumi.yaml"), tracked);
    writeFileSync(copy.file, "config: {}\nencryptionsalt: v1:old=\n");
    writeFileSync(tracked, "config: {}\nencryptionsalt: v1:tracked=\n");
    syncSettingsCopy(copy, join(dir, "Pulumi.yaml"), tracked);
    expect(readFileSync(copy.file, "utf8")).toBe("config: {}\nencryptionsalt: v1:tracked=\n");
  });

  it("one copy per backend: a salt belongs to one backend's stack", () => {
    const a = settingsCopy("/s", "s3://one", false, "lab");
    const b = settingsCopy("/s", "s3://two", false, "lab");
    expect(a.projectDir).not.toBe(b.projectDir);
    expect(a.projectDir).toMatch(/^\/s\/stack-settings\/[0-9a-f]{12}$/);
  });
});
