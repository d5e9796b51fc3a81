import { homedir } from "node:os";
import { isAbsolute, join, resolve, sep } from "node:path";

/**
 * The places cnilab reads and writes, decided here and nowhere else: the project root, the user's
 * directory (what relative paths on the command line mean) and the state directory (results,
 * datapath lab records, the Pulumi file backend and cnilab's copies of the stack settings).
 */

/** The project root: Pulumi.yaml, stacks/ and labs/ live here (this file is <root>/host/state.ts). */
export const PROJECT_ROOT = resolve(__dirname, "..");

/**
 * The directory the user typed the command in. `npm run lab -- …` runs the script in the package
 * root and keeps the caller's directory in INIT_CWD (npm's run-script docs), so relative paths
 * (`-f`, `--out`, `--kubeconfig`, a stack file) resolve against INIT_CWD when npm set it.
 */
export function userDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.INIT_CWD && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : cwd;
}

/** True when `root` sits inside node_modules: cnilab was installed as a package, not cloned. */
export function isInstalledPackage(root: string): boolean {
  return root.split(sep).includes("node_modules");
}

/**
 * The state directory, the same for every command whatever the working directory:
 * $CNILAB_STATE (a relative value resolves against the user's directory `cwd`), else .cnilab in
 * the project (git-ignored). An installed package must not keep state inside node_modules (npm
 * replaces that folder on every install), so there it defaults to $XDG_STATE_HOME/cnilab
 * (XDG Base Directory spec: $XDG_STATE_HOME defaults to ~/.local/state).
 */
export function stateDir(env: NodeJS.ProcessEnv, cwd: string, root: string = PROJECT_ROOT): string {
  if (env.CNILAB_STATE) return resolve(cwd, env.CNILAB_STATE);
  if (!isInstalledPackage(root)) return projectStateDir(root);
  const stateHome = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(env.HOME || homedir(), ".local", "state");
  return join(stateHome, "cnilab");
}

/** The project's own state folder (.cnilab), the state directory of a clone when CNILAB_STATE is unset. */
export function projectStateDir(root: string): string {
  return join(root, ".cnilab");
}

/** What the state directory holds, one folder each. */
export const STATE_FOLDERS = {
  /** The Pulumi file backend; Pulumi.yaml's `backend.url` names the same place. */
  backend: "state",
  /** kind and the Pulumi CLI fetched by `cnilab setup`. */
  tools: "tools",
  /** Saved verify/perf/facts reports per stack, what `compare` reads. */
  results: "results",
  /** Copies of the stacks' settings that Pulumi may write to (cli/stack-settings.ts). */
  settings: "stack-settings",
  /** `cnilab e2e`'s summaries and per-stack folders. */
  e2e: "e2e",
  /** `cnilab compare`'s reports. */
  compare: "compare",
  /** Upstream manifests `up` applies (canal), each checked against its pinned sha256 (host/manifests.ts). */
  manifests: "manifests",
  /** `cnilab check`'s hints shown, per participant and exercise. */
  exercises: "exercises",
  /** Per workshop and participant, what `workshop up` saves: kubeconfig, participant.json, handout; the workshop's charts, fetched once (workshop/bundle/charts.ts). */
  workshops: "workshops",
  /** `cnilab migrate`'s record of a migration under way: the steps done, the lab before. */
  migrations: "migrations",
} as const;

/** A folder of the state directory (stateDir), e.g. `stateFolder(env, cwd, "tools")`. */
export function stateFolder(env: NodeJS.ProcessEnv, cwd: string, folder: keyof typeof STATE_FOLDERS, root: string = PROJECT_ROOT): string {
  return join(stateDir(env, cwd, root), STATE_FOLDERS[folder]);
}

/** How help texts name the state directory. */
export const STATE_DIR_HELP = "$CNILAB_STATE, else .cnilab in the project";
