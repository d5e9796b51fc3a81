/** A captured Io for running commands in tests. */
import type { Io } from "../../cli/command";

export interface CapturedIo extends Io {
  out: () => string;
  err: () => string;
}

/**
 * Stderr without the command's warnings: the fake machines lack things that only warn (the Pulumi
 * plugins), and warnings go to stderr like every diagnostic.
 */
export function withoutWarnings(err: string, command: string): string {
  return err
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith(`cnilab ${command}: warning: `))
    .join("");
}

export function captureIo(env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): CapturedIo {
  let out = "";
  let err = "";
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd,
    env,
    out: () => out,
    err: () => err,
  };
}
