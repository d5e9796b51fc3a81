/**
 * How the Pulumi CLI is started, so that Ctrl-C cancels an update instead of killing it.
 *
 * @pulumi/pulumi 3.270's Automation API starts every CLI call with execa in the caller's process
 * group (automation/cmd.js `exec`: `execa(command, args, {env, cwd, maxBuffer})`), and an aborted
 * `signal` sends the child one SIGINT (`proc.kill("SIGINT", {forceKillAfterTimeout: false})`).
 * In one process group the terminal's Ctrl-C reaches pulumi as well, so it would get two
 * interrupts, and Pulumi treats a second SIGINT or SIGTERM as "terminate now" (pulumi/pulumi
 * pkg/backend/cancellation_scope.go at pkg/v3.259.0: the first cancels, the next one terminates).
 * So the CLI runs here in a process group of its own (`detached`): the terminal's Ctrl-C reaches
 * only cnilab, which decides what pulumi gets — one SIGINT on the first Ctrl-C, a second one only
 * when the user presses Ctrl-C again. Nothing here kills pulumi on exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { delimiter, dirname, isAbsolute } from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";

type Automation = typeof import("@pulumi/pulumi/automation");
/** The two internals of automation/cmd.js and errors.js the replacement needs (present in 3.270.0, which package.json pins). */
interface AutomationInternals {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
  createCommandError(result: unknown): Error;
}

type Run = (
  args: string[],
  cwd: string,
  additionalEnv: Record<string, string>,
  onOutput?: (data: string) => void,
  onError?: (data: string) => void,
  signal?: AbortSignal,
) => Promise<unknown>;

/** The pulumi processes running now: what a second Ctrl-C interrupts again. */
const running = new Set<ChildProcess>();

/** Sends every running pulumi one more SIGINT (the second one: Pulumi terminates at once). */
export function interruptRunning(): number {
  for (const child of running) child.kill("SIGINT");
  return running.size;
}

/** The environment a CLI call runs with: `base` (this process's) under the workspace's `additionalEnv`. */
export function cliEnv(command: string, additionalEnv: Readonly<Record<string, string>>, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...additionalEnv };
  // As cmd.js does: an absolute CLI path puts its folder first on PATH, for the plugins bundled with it.
  if (isAbsolute(command)) env.PATH = `${dirname(command)}${delimiter}${env.PATH ?? ""}`;
  return env;
}

/** `command`, with every call started in its own process group (everything else as the Automation API does it). */
export function detached(command: PulumiCommand, automation: Automation): PulumiCommand {
  const internals = automation as unknown as AutomationInternals;
  const run: Run = (args, cwd, additionalEnv, onOutput, onError, signal) =>
    new Promise((resolve, reject) => {
      if (!args.includes("--non-interactive")) args.push("--non-interactive");
      const env: NodeJS.ProcessEnv = { ...cliEnv(command.command, additionalEnv), PULUMI_AUTOMATION_API: "true" };
      const child = spawn(command.command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      running.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout!.setEncoding("utf8").on("data", (d: string) => ((stdout += d), onOutput?.(d)));
      child.stderr!.setEncoding("utf8").on("data", (d: string) => ((stderr += d), onError?.(d)));
      const interrupt = () => child.kill("SIGINT");
      if (signal?.aborted) interrupt();
      else signal?.addEventListener("abort", interrupt, { once: true });
      const settle = () => {
        running.delete(child);
        signal?.removeEventListener("abort", interrupt);
      };
      child.on("error", (err) => {
        settle();
        reject(internals.createCommandError(new internals.CommandResult("", err.message, -2, err)));
      });
      child.on("close", (code, sig) => {
        settle();
        // execa strips one final newline; callers parse stdout as it leaves it.
        const result = new internals.CommandResult(stdout.replace(/\r?\n$/, ""), stderr.replace(/\r?\n$/, ""), code ?? (sig ? 128 : -1));
        if (code === 0) resolve(result);
        else reject(internals.createCommandError(result));
      });
    });
  return Object.assign(Object.create(command) as PulumiCommand, { run });
}
