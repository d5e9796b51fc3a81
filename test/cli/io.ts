/** A captured Io for running commands in tests. */
import type { Io } from "../../cli/command";

export interface CapturedIo extends Io {
  out: () => string;
  err: () => string;
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
