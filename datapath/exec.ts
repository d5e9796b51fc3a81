/**
 * The thin executor: runs commands (never through a shell) with a time bound, inside a namespace
 * when asked, and runs a plan's steps in order, stopping at the first failure with the step named.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { runProcess } from "../host/run";
import type { Step } from "./step";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Bounds one command; every `ip`/`iptables` call finishes in milliseconds, so 20 s means it hung. */
const DEFAULT_TIMEOUT_MS = 20_000;

export function inNetns(netns: string | null, argv: readonly string[]): string[] {
  return netns === null ? [...argv] : ["ip", "netns", "exec", netns, ...argv];
}

/** Shell-style exit codes: 127 when the program could not start, 137 when it was killed. */
export async function run(argv: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CommandResult> {
  const [file, ...args] = argv;
  const r = await runProcess(file!, args, process.env, timeoutMs);
  if (r.failure === "timeout") return { code: 137, stdout: r.stdout, stderr: `${r.stderr}\n(killed after ${timeoutMs} ms)` };
  if (r.code === null) return { code: 127, stdout: r.stdout, stderr: r.stderr };
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

export function runIn(netns: string | null, argv: readonly string[], timeoutMs?: number): Promise<CommandResult> {
  return run(inNetns(netns, argv), timeoutMs);
}

/** Runs and returns stdout, or throws with the command and its stderr. */
export async function mustRun(netns: string | null, argv: readonly string[], timeoutMs?: number): Promise<string> {
  const r = await runIn(netns, argv, timeoutMs);
  if (r.code !== 0) throw new Error(`${describe(netns, argv)} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export function describe(netns: string | null, argv: readonly string[]): string {
  return `${netns === null ? "" : `[${netns}] `}${argv.join(" ")}`;
}

export class StepFailed extends Error {
  override name = "StepFailed";
  constructor(
    readonly step: Step,
    readonly index: number,
    readonly result: CommandResult,
  ) {
    super(`step ${index + 1} (${step.phase}) ${describe(step.netns, step.argv)} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
  }
}

export async function runSteps(steps: readonly Step[], onStep?: (step: Step, index: number) => void): Promise<void> {
  for (const [index, step] of steps.entries()) {
    onStep?.(step, index);
    const result = await runIn(step.netns, step.argv);
    if (result.code === 0) continue;
    if (step.tolerate === "exists" && /exists/i.test(result.stderr)) continue;
    throw new StepFailed(step, index, result);
  }
}

/** A long-running process in a namespace (listener, iperf3/sockperf server); `stop` kills it by pid. */
export interface Background {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output contains `text`, rejects after timeoutMs or if the process exits first. */
  waitFor: (text: string, timeoutMs: number) => Promise<void>;
  stop: () => Promise<void>;
}

export function startIn(netns: string, argv: readonly string[]): Background {
  const [file, ...args] = inNetns(netns, argv);
  const child = spawn(file!, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let exited = false;
  const listeners = new Set<() => void>();
  const collect = (d: Buffer) => {
    out += d.toString();
    listeners.forEach((l) => l());
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const closed = new Promise<void>((resolve) =>
    child.on("close", () => {
      exited = true;
      listeners.forEach((l) => l());
      resolve();
    }),
  );
  child.on("error", (err) => (out += err.message));
  return {
    child,
    output: () => out,
    waitFor: (text, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) done(resolve);
          else if (exited) done(() => reject(new Error(`${describe(netns, argv)} exited before printing "${text}": ${out.trim()}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${describe(netns, argv)} did not print "${text}" within ${timeoutMs} ms: ${out.trim()}`))), timeoutMs);
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          fn();
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (!exited) child.kill("SIGKILL");
      await closed;
    },
  };
}
