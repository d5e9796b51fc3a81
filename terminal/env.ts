/**
 * The environment the terminal server reads (server/main.ts), the terminal's cnilab reads
 * (cli/terminal-main.ts) and the terminal plan sets (plan.ts): one table, so they cannot drift apart.
 */
export const TERMINAL_ENV = {
  /** File holding the participant's token (uploaded into the container, never an env value). */
  tokenFile: "CNILAB_TERMINAL_TOKEN_FILE",
  /** The participant's name: the page title. */
  participant: "CNILAB_TERMINAL_PARTICIPANT",
  /** Port inside the container. */
  port: "CNILAB_TERMINAL_PORT",
  /** Minutes without a key before the server closes a session. */
  idleMinutes: "CNILAB_TERMINAL_IDLE_MINUTES",
  /** The command run on the pty. */
  shell: "CNILAB_TERMINAL_SHELL",
  /** iptables-restore file loaded before the server drops root (egress.ts). */
  egress: "CNILAB_TERMINAL_EGRESS_FILE",
  /** The participant's own user and group id, which the server becomes after loading the rules. */
  uid: "CNILAB_TERMINAL_UID",
  /** Folder with xterm.js, xterm.css and addon-fit.js (the image's copy of the pinned npm packages). */
  assets: "CNILAB_TERMINAL_ASSETS",
  /** The participant's context file (context.ts), which the terminal's cnilab verify and check --live read. */
  context: "CNILAB_TERMINAL_CONTEXT",
} as const;
