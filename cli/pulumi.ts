/**
 * The Pulumi Automation API, wired for labs: the project's own Pulumi.yaml, state in a file backend
 * in the state directory (no account, no login), a default passphrase for that local backend only,
 * and a copy of the stack's settings that Pulumi may write to (stack-settings.ts), so tracked files
 * stay as they are.
 *
 * The Automation API runs the `pulumi` CLI; cnilab hands it the very executable the doctor checked,
 * started in its own process group (host/pulumi-process.ts), and passes the kind binary it found to the
 * kind provider as CNILAB_KIND.
 *
 * The program runs inline: the stack is opened with program.ts's `runStack` (what Pulumi.yaml's
 * `main: index.ts` runs for plain `pulumi`), so every up, refresh and destroy starts a language
 * runtime server inside this process and passes the CLI `--client=127.0.0.1:<port>` and
 * `--exec-kind auto.inline` (@pulumi/pulumi 3.270 automation/stack.js). No Node.js language host
 * (pulumi-language-nodejs) is started: the engine talks to the client's runtime instead
 * (pulumi/pulumi pkg/v3.259.0 engine: clientLanguageRuntimeHost). The CLI still runs in the project
 * root with its Pulumi.yaml (backend, stackConfigDir) and reads the stack's settings from
 * `--config-file`; the program reads them as before through `pulumi.runtime.allConfig()`, which the
 * inline server fills from the engine's RunRequest. Dynamic providers (the kind cluster and the
 * Docker network) are serialized here, under tsx, and run by the CLI's `pulumi-nodejs` provider.
 */
import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { LocalWorkspace, LocalWorkspaceOptions, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { stateDir, stateFolder, STATE_FOLDERS } from "../host/state";
import { PROJECT_NAME } from "../host/identity";
import { detached } from "../host/pulumi-process";
import type { PlanAdjust } from "../program";
import { settingsCopy, syncSettingsCopy } from "./stack-settings";
import { STACKS_DIR } from "./stack-arg";

type Automation = typeof import("@pulumi/pulumi/automation");
/** Loaded on first use: it takes most of a second, which commands other than up/down should not pay. */
const automation = (): Automation => require("@pulumi/pulumi/automation") as Automation;

/**
 * The passphrase protecting the lab's secrets (the kubeconfig) in the local file backend. Labs
 * hold throwaway clusters on this machine, so a documented default beats a prompt there; a shared
 * backend (PULUMI_BACKEND_URL other than file://) never gets it: set PULUMI_CONFIG_PASSPHRASE (or
 * PULUMI_CONFIG_PASSPHRASE_FILE), and keep using the same one for that stack.
 */
export const DEFAULT_PASSPHRASE = "cnilab";
/** The file backend's folder inside the state directory, as help texts name it. */
export const BACKEND_SUBDIR = STATE_FOLDERS.backend;

export interface LabWorkspaceOptions {
  /** The project root: Pulumi.yaml lives here and the Pulumi CLI runs here. */
  root: string;
  stackName: string;
  /** The command's environment: PATH, and the user's PULUMI_* and CNILAB_STATE overrides. */
  env: NodeJS.ProcessEnv;
  /** The user's directory, against which a relative CNILAB_STATE resolves. */
  cwd: string;
  /** The pulumi executable the doctor found. */
  pulumiPath: string;
  /** The kind executable the doctor found, for the cluster provider. */
  kindPath?: string;
}

type Places = Pick<LabWorkspaceOptions, "root" | "env" | "cwd">;

/** The project's own file backend: <state>/state. */
function defaultBackend(p: Places): string {
  return `file://${stateFolder(p.env, p.cwd, "backend", p.root)}`;
}

/** PULUMI_BACKEND_URL when the user set one, else the project's own file backend (CNILAB_STATE moves it). */
export function backendUrl(p: Places): string {
  return p.env.PULUMI_BACKEND_URL || defaultBackend(p);
}

/** The environment every Pulumi CLI call of the lab gets (on top of the command's own). */
export function labEnv(opts: Omit<LabWorkspaceOptions, "stackName" | "pulumiPath">): Record<string, string> {
  const url = backendUrl(opts);
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: url,
    // No "a new version is available" request to the network on every call.
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  if (opts.env.PATH) env.PATH = opts.env.PATH;
  // Pulumi prefers PULUMI_CONFIG_PASSPHRASE over the _FILE variant, so the default must not shadow a file.
  if (opts.env.PULUMI_CONFIG_PASSPHRASE) env.PULUMI_CONFIG_PASSPHRASE = opts.env.PULUMI_CONFIG_PASSPHRASE;
  else if (opts.env.PULUMI_CONFIG_PASSPHRASE_FILE) env.PULUMI_CONFIG_PASSPHRASE_FILE = opts.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  else if (url.startsWith("file://")) env.PULUMI_CONFIG_PASSPHRASE = DEFAULT_PASSPHRASE;
  if (opts.kindPath) env.CNILAB_KIND = opts.kindPath;
  return env;
}

async function pulumiCommand(path: string): Promise<PulumiCommand> {
  const a = automation();
  // PulumiCommand runs <root>/bin/pulumi; an install laid out otherwise is run by name from PATH.
  const found = basename(dirname(path)) === "bin" ? await a.PulumiCommand.get({ root: dirname(dirname(path)) }) : await a.PulumiCommand.get();
  return detached(found, a);
}

function workspaceOptions(opts: LabWorkspaceOptions, workDir: string, command: PulumiCommand): LocalWorkspaceOptions {
  const url = backendUrl(opts);
  // The file backend expects its directory to exist.
  if (url.startsWith("file://")) mkdirSync(url.slice("file://".length), { recursive: true });
  return { workDir, envVars: labEnv(opts), pulumiCommand: command };
}

/** A stack of the lab, with the settings copy its updates and destroys read (`configFile`). */
export interface OpenedStack {
  stack: Stack;
  workspace: LocalWorkspace;
  /** Pass as `configFile` to up/refresh/destroy. */
  configFile: string;
  /** True when this call created the stack. */
  created: boolean;
}

/**
 * The lab's stack if the backend has it; with `create`, created when it does not (`stack init` in
 * the settings copy's folder). Undefined when it does not exist and `create` is false. `adjust`
 * changes the lab's plan before the program registers it (`cnilab migrate`'s lab without its CNI).
 */
export async function openLabStack(opts: LabWorkspaceOptions, create: boolean, adjust?: PlanAdjust): Promise<OpenedStack | undefined> {
  const a = automation();
  const copy = settingsCopy(stateDir(opts.env, opts.cwd, opts.root), backendUrl(opts), backendUrl(opts) === defaultBackend(opts), opts.stackName);
  const tracked = join(opts.root, STACKS_DIR, `Pulumi.${opts.stackName}.yaml`);
  // `verify` may name a stack file outside stacks/: it only reads outputs, which need no settings.
  if (existsSync(tracked)) syncSettingsCopy(copy, join(opts.root, "Pulumi.yaml"), tracked);
  const command = await pulumiCommand(opts.pulumiPath);
  // Loaded when Pulumi runs it (up, refresh, destroy): the components take seconds to import.
  const program = () => (require("../program") as typeof import("../program")).runStack(adjust);
  const select = () =>
    a.LocalWorkspace.selectStack({ stackName: opts.stackName, projectName: PROJECT_NAME, program }, workspaceOptions(opts, opts.root, command));
  let created = false;
  let stack: Stack;
  try {
    stack = await select();
  } catch (err) {
    if (!(err instanceof a.StackNotFoundError)) throw err;
    if (!create) return undefined;
    await a.LocalWorkspace.createStack({ stackName: opts.stackName, workDir: copy.projectDir }, workspaceOptions(opts, copy.projectDir, command));
    created = true;
    stack = await select();
  }
  return { stack, workspace: stack.workspace as LocalWorkspace, configFile: copy.file, created };
}

/**
 * A Pulumi failure as a few readable lines: the engine's error diagnostics when there are any,
 * else the end of what the CLI printed (the Automation API's error text is the whole transcript).
 */
export function pulumiFailure(err: unknown, diagnostics: readonly string[]): string[] {
  if (diagnostics.length > 0) return diagnostics.flatMap((d) => d.trim().split("\n"));
  const result = (err as { commandResult?: { stderr?: string; stdout?: string } }).commandResult;
  const text = result ? `${result.stderr ?? ""}\n${result.stdout ?? ""}` : err instanceof Error ? err.message : String(err);
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "").slice(-12);
}

/** True for the "stack is locked" failure a killed `up` leaves behind in a file backend. */
export function isLockedError(err: unknown): boolean {
  return (err as { name?: string }).name === "ConcurrentUpdateError";
}
