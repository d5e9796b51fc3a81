/**
 * A participant's terminal token: 32 random bytes from the operating system's CSPRNG
 * (node:crypto randomBytes), base64url, 43 characters, which nobody guesses. Drawn once, when the
 * terminal is created, and kept in the Pulumi state as a secret (components/workshop/terminal.ts).
 *
 * The dynamic provider that calls this is serialized into the state: so no import here, the
 * builtin comes from `process.getBuiltinModule` at call time (as components/cluster/provider.ts).
 */
export function newTerminalToken(): string {
  return process.getBuiltinModule("node:crypto").randomBytes(32).toString("base64url");
}
