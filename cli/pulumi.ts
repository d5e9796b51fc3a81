/**
 * The Pulumi Automation API, wired for labs: the project's own Pulumi.yaml (stack settings from
 * stacks/ through its `stackConfigDir`), state in a file backend inside the project (no account,
 * no login), and a default passphrase for the stack's secrets.
 *
 * The Automation API runs the `pulumi` CLI; cnilab hands it the very executable the doctor checked,
 * and passes the kind binary it found to the Pulumi program as CNILAB_KIND.
 */
import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { LocalWorkspaceOptions, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

type Automation = typeof import("@pulumi/pulumi/automation");
/** Loaded on first use: it takes most of a second, which commands other than up/down should not pay. */
const automation = (): Automation => require("@pulumi/pulumi/automation") as Automation;

/**
 * The passphrase protecting the lab's secrets (the kubeconfig) in .cnilab/state. Labs hold
 * throwaway clusters, so a documented default beats a prompt; set PULUMI_CONFIG_PASSPHRASE (or
 * PULUMI_CONFIG_PASSPHRASE_FILE) to use your own, and keep using the same one for that stack.
 */
export const DEFAULT_PASSPHRASE = "cnilab";
/** Inside the project and in .gitignore. */
export const STATE_DIR = ".cnilab/state";

export interface LabWorkspaceOptions {
  /** The project root: Pulumi.yaml lives here and the Pulumi CLI runs here. */
  root: string;
  stackName: string;
  /** The command's environment: PATH, and the user's PULUMI_* overrides. */
  env: NodeJS.ProcessEnv;
  /** The pulumi executable the doctor found. */
  pulumiPath: string;
  /** The kind executable the doctor found, for the cluster provider. */
  kindPath?: string;
}

/** PULUMI_BACKEND_URL when the user set one, else the project's own file backend. */
export function backendUrl(root: string, env: NodeJS.ProcessEnv): string {
  return env.PULUMI_BACKEND_URL || `file://${join(root, STATE_DIR)}`;
}

/** The environment every Pulumi CLI call of the lab gets (on top of the command's own). */
export function labEnv(opts: LabWorkspaceOptions): Record<string, string> {
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: backendUrl(opts.root, opts.env),
    // No "a new version is available" request to the network on every call.
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  if (opts.env.PATH) env.PATH = opts.env.PATH;
  // Pulumi prefers PULUMI_CONFIG_PASSPHRASE over the _FILE variant, so the default must not shadow a file.
  if (opts.env.PULUMI_CONFIG_PASSPHRASE) env.PULUMI_CONFIG_PASSPHRASE = opts.env.PULUMI_CONFIG_PASSPHRASE;
  else if (opts.env.PULUMI_CONFIG_PASSPHRASE_FILE) env.PULUMI_CONFIG_PASSPHRASE_FILE = opts.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  else env.PULUMI_CONFIG_PASSPHRASE = DEFAULT_PASSPHRASE;
  if (opts.kindPath) env.CNILAB_KIND = opts.kindPath;
  return env;
}

async function pulumiCommand(path: string): Promise<PulumiCommand> {
  const { PulumiCommand } = automation();
  // PulumiCommand runs <root>/bin/pulumi; an install laid out otherwise is run by name from PATH.
  return basename(dirname(path)) === "bin" ? PulumiCommand.get({ root: dirname(dirname(path)) }) : PulumiCommand.get();
}

async function workspaceOptions(opts: LabWorkspaceOptions): Promise<LocalWorkspaceOptions> {
  const url = backendUrl(opts.root, opts.env);
  // The file backend expects its directory to exist.
  if (url.startsWith("file://")) mkdirSync(url.slice("file://".length), { recursive: true });
  return { workDir: opts.root, envVars: labEnv(opts), pulumiCommand: await pulumiCommand(opts.pulumiPath) };
}

/** The lab's stack, created in the backend on first use (its settings file is stacks/Pulumi.<name>.yaml). */
export async function createOrSelectLabStack(opts: LabWorkspaceOptions): Promise<Stack> {
  const { LocalWorkspace } = automation();
  return LocalWorkspace.createOrSelectStack({ stackName: opts.stackName, workDir: opts.root }, await workspaceOptions(opts));
}

/** The lab's stack if the backend has it; undefined when it was never brought up here. */
export async function selectLabStack(opts: LabWorkspaceOptions): Promise<Stack | undefined> {
  const { LocalWorkspace, StackNotFoundError } = automation();
  try {
    return await LocalWorkspace.selectStack({ stackName: opts.stackName, workDir: opts.root }, await workspaceOptions(opts));
  } catch (err) {
    if (err instanceof StackNotFoundError) return undefined;
    throw err;
  }
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
