/**
 * Ctrl-C during `up`/`down`: the first one asks Pulumi to cancel cleanly (it finishes the steps in
 * flight, records them and releases the stack's lock), the second one stops everything now.
 */
import type { Io } from "./command";
import { interruptRunning } from "../host/pulumi-process";
import { exitCode } from "./exit";


export interface Interruptible {
  /** Passed to the Automation API as `signal`: aborted on the first Ctrl-C. */
  signal: AbortSignal;
  /** True once the user pressed Ctrl-C. */
  readonly interrupted: boolean;
  /** Puts the default Ctrl-C behaviour back. */
  dispose(): void;
}

export interface InterruptOptions {
  /** What a clean cancel leaves, in the words of this command. */
  what: string;
  /** Exits the process after the second Ctrl-C; tests replace it. */
  exit?: (code: number) => void;
  /** The process whose signals are handled; tests pass an emitter. */
  signals?: Pick<NodeJS.Process, "on" | "off">;
}

export function onCtrlC(io: Io, command: string, opts: InterruptOptions): Interruptible {
  const controller = new AbortController();
  const signals = opts.signals ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) {
      io.stderr(
        `\ncnilab ${command}: Ctrl-C: asking Pulumi to cancel cleanly — the steps in flight finish and are recorded, ${opts.what}. ` +
          `Press Ctrl-C again to stop at once (that can leave the stack locked and a resource half made).\n`,
      );
      controller.abort();
      return;
    }
    const interrupted = interruptRunning();
    io.stderr(
      `\ncnilab ${command}: second Ctrl-C: stopping now${interrupted > 0 ? " (Pulumi terminates without recording what is in flight)" : ""}. ` +
        `If the stack is locked afterwards: cnilab down <stack> --force.\n`,
    );
    exit(exitCode("interrupted"));
  };
  signals.on("SIGINT", handler);
  return {
    signal: controller.signal,
    get interrupted() {
      return count > 0;
    },
    dispose: () => void signals.off("SIGINT", handler),
  };
}
