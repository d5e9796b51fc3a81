/** host/run.ts runProcess for steps that must succeed: a failure throws naming the command and its last words. */
import { runProcess } from "../../host/run";

export async function mustRun(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number, what: string): Promise<string> {
  const r = await runProcess(file, args, env, timeoutMs);
  if (r.code === 0) return r.stdout;
  const why = r.failure === "not-found" ? `${file} is not installed (not on PATH)` : r.failure === "timeout" ? `timed out after ${timeoutMs / 1000} s` : `exited with ${r.code}`;
  const said = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-5).join("\n  ");
  throw new Error(`${what}: \`${[file, ...args].join(" ")}\` ${why}${said ? `:\n  ${said}` : ""}`);
}
