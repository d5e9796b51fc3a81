/**
 * What the doctor (and the preflight of `up`/`down`) may look at on the machine, behind one
 * interface so tests point it at a fixture tree and at fake tools: every kernel file is read below
 * `root`, every executable is found on `env.PATH` and run through `run`, free space comes from
 * `statfs`.
 */
import { accessSync, constants, statSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { MachineRoot } from "./machine";
import { runProcess, type RunResult } from "./run";
import { stateFolder } from "./state";
import type { ToolShelf } from "./tool-install";
import { PROJECT_ROOT } from "./state";

export type { RunResult } from "./run";

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export interface Host extends MachineRoot {
  /** PATH (tool lookup), HOME (~/.pulumi/bin), CNILAB_KIND, DOCKER_HOST. */
  env: NodeJS.ProcessEnv;
  /** process.platform and process.arch: the Docker fix and what `setup` fetches depend on them. Default: this process's. */
  os?: { platform: string; arch: string };
  /** Where `cnilab setup` keeps kind and Pulumi; absent, only the user's own installs count. */
  tools?: ToolShelf;
  /** The Node.js version cnilab runs on; default process.versions.node. */
  node?: string;
  /** Directory for the free-disk fallback when Docker's data root is unknown. */
  cwd: string;
  /** Runs a tool with `env` plus `extraEnv`. */
  run(file: string, args: readonly string[], timeoutMs: number, extraEnv?: NodeJS.ProcessEnv): Promise<RunResult>;
  statfs(path: string): Promise<DiskSpace>;
}

/** The real machine, with the environment and working directory of the command's Io; tools in <state>/tools of `project`. */
export function systemHost(env: NodeJS.ProcessEnv, cwd: string, project: string = PROJECT_ROOT): Host {
  return {
    root: "/",
    env,
    cwd,
    os: { platform: process.platform, arch: process.arch },
    tools: { dir: stateFolder(env, cwd, "tools", project) },
    run: (file, args, timeoutMs, extraEnv) => runProcess(file, args, { ...env, ...extraEnv }, timeoutMs),
    statfs: async (path) => {
      const s = await statfs(path);
      return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    },
  };
}

/** The machine's OS and architecture, as Node names them. */
export function hostOs(host: Host): { platform: string; arch: string } {
  return host.os ?? { platform: process.platform, arch: process.arch };
}

/** The first executable file named `name` on the host's PATH, like `command -v`. */
export function which(host: Pick<Host, "env">, name: string): string | undefined {
  for (const dir of (host.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
