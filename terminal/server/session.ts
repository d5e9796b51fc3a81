/**
 * One browser session: a shell on a pseudo-terminal, relayed over a WebSocket.
 *
 * The pty comes from util-linux `script`, not a native Node module: node-pty 1.1.0 ships prebuilt
 * binaries for macOS and Windows only (its package's prebuilds/ folder), so on Linux it compiles at
 * install time, which neither `npm ci --ignore-scripts` nor a slim image does. `script` runs the
 * command on a new pty and copies its output to stdout; a resize is `stty -F <that pty>`, which
 * makes the kernel send SIGWINCH to the shell like a terminal emulator does.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import type { WebSocket } from "ws";

export interface SessionOptions {
  /** What runs on the pty (a login shell in the terminal image). */
  readonly command: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Close the session when the browser sent no key for this long. */
  readonly idleMs: number;
  /** Called on every key the browser sends (the server's "last used"). */
  readonly onInput: () => void;
}

/** What the page sends: keys, or its size in cells after a fit. */
type ClientMessage = { readonly type: "input"; readonly data: string } | { readonly type: "resize"; readonly cols: number; readonly rows: number };

/** WebSocket close code for "closed for being idle" (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const IDLE_CLOSE = 4000;

export function runSession(socket: WebSocket, options: SessionOptions): void {
  const shell = spawn("script", ["--quiet", "--flush", "--command", options.command, "/dev/null"], {
    cwd: options.cwd,
    env: { ...options.env, TERM: "xterm-256color" },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let idle = setTimeout(() => socket.close(IDLE_CLOSE, "idle"), options.idleMs);
  // The page sends its size on connect, maybe before `script` has started the shell: the size is
  // kept and applied again on the shell's first output, when its pty surely exists.
  let size: { cols: number; rows: number } | undefined;
  let started = false;
  const send = (chunk: Buffer): void => {
    if (!started && size) resize(shell, size.cols, size.rows);
    started = true;
    if (socket.readyState === socket.OPEN) socket.send(chunk.toString("utf8"));
  };
  shell.stdout?.on("data", send);
  shell.stderr?.on("data", send);
  shell.on("exit", () => socket.close(1000, "shell exited"));
  shell.on("error", (error) => socket.close(1011, `cannot start the shell: ${error.message}`.slice(0, 120)));
  socket.on("message", (raw) => {
    const message = parse(String(raw));
    if (message?.type === "input") {
      clearTimeout(idle);
      idle = setTimeout(() => socket.close(IDLE_CLOSE, "idle"), options.idleMs);
      options.onInput();
      shell.stdin?.write(message.data);
    } else if (message?.type === "resize") {
      size = { cols: message.cols, rows: message.rows };
      resize(shell, size.cols, size.rows);
    }
  });
  socket.on("close", () => {
    clearTimeout(idle);
    stop(shell);
  });
}

function parse(raw: string): ClientMessage | undefined {
  try {
    const value = JSON.parse(raw) as Partial<ClientMessage> & Record<string, unknown>;
    if (value.type === "input" && typeof value.data === "string") return { type: "input", data: value.data };
    if (value.type === "resize" && isCells(value.cols) && isCells(value.rows)) return { type: "resize", cols: value.cols, rows: value.rows };
  } catch {
    // Not JSON: not from our page; ignored like any other unknown message.
  }
  return undefined;
}

const isCells = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 1000;

/** The pty of `script`'s child, read from /proc (its only child is the command). */
function ptyOf(shell: ChildProcess): string | undefined {
  try {
    const child = readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, "utf8").trim().split(/\s+/)[0];
    return child ? readlinkSync(`/proc/${child}/fd/0`) : undefined;
  } catch {
    return undefined;
  }
}

function resize(shell: ChildProcess, cols: number, rows: number): void {
  const pty = ptyOf(shell);
  if (pty?.startsWith("/dev/pts/")) execFile("stty", ["-F", pty, "cols", String(cols), "rows", String(rows)], () => undefined);
}

/** The whole process group: `script`, the shell and whatever the participant left running. */
function stop(shell: ChildProcess): void {
  if (shell.pid === undefined || shell.exitCode !== null) return;
  try {
    process.kill(-shell.pid, "SIGHUP");
  } catch {
    // Already gone.
  }
}
