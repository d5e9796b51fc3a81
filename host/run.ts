import { spawn } from "node:child_process";

/**
 * Runs one program on this machine (never through a shell), bounded in time, collecting its output.
 * Every command cnilab runs on the host goes through here: the doctor's tool checks, the datapath
 * lab's ip/iptables steps, perf's docker and kind calls. (The kind provider keeps its own copy: Pulumi
 * serializes it into the state, so it may capture nothing.)
 */
export interface RunResult {
  /** null when the process could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run to completion, when it did not. */
  failure?: "not-found" | "timeout" | "spawn-error";
}

/** Never throws and never waits past `timeoutMs`: a hung command is killed and reported as a timeout. */
export function runProcess(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL" });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ code: null, stdout: "", stderr: e.message, failure: e.code === "ENOENT" ? "not-found" : "spawn-error" }),
    );
    child.on("close", (code, signal) => {
      const result: RunResult = { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
      resolve(signal ? { ...result, failure: "timeout" } : result);
    });
  });
}

/** runProcess for a step that must succeed: a failure throws naming `what`, the command line and its last words. */
export async function runOrThrow(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number, what: string): Promise<string> {
  const r = await runProcess(file, args, env, timeoutMs);
  if (r.code === 0) return r.stdout;
  const why = r.failure === "not-found" ? `${file} is not installed (not on PATH)` : r.failure === "timeout" ? `timed out after ${timeoutMs / 1000} s` : `exited with ${r.code}`;
  const said = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-5).join("\n  ");
  throw new Error(`${what}: \`${[file, ...args].join(" ")}\` ${why}${said ? `:\n  ${said}` : ""}`);
}
