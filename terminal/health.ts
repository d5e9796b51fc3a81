/**
 * Whether a participant's terminal is up and when it was last used, from its server's /healthz
 * (server/server.ts): no token needed and none revealed. Bounded: a terminal that does not answer
 * within `timeoutMs` is reported down with the reason, like one that refuses.
 */
export type TerminalHealth =
  | { readonly up: true; readonly lastUsed: string | null; readonly sessions: number }
  | { readonly up: false; readonly reason: string };

/** `address` is the plan's (http://host:port/). */
export async function readTerminalHealth(address: string, timeoutMs: number): Promise<TerminalHealth> {
  try {
    const response = await fetch(new URL("healthz", address), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { up: false, reason: `healthz answered HTTP ${response.status}` };
    const body = (await response.json()) as { up?: unknown; lastUsed?: unknown; sessions?: unknown };
    if (body.up !== true) return { up: false, reason: "healthz did not say up" };
    return { up: true, lastUsed: typeof body.lastUsed === "string" ? body.lastUsed : null, sessions: typeof body.sessions === "number" ? body.sessions : 0 };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    return { up: false, reason: name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (cause ?? (error as Error).message) };
  }
}

/** "up, last used 2026-11-30 08:41 UTC" / "up, never used" / "down: ECONNREFUSED", for status tables. */
export function describeTerminalHealth(health: TerminalHealth): string {
  if (!health.up) return `down: ${health.reason}`;
  return health.lastUsed ? `up, last used ${health.lastUsed.slice(0, 16).replace("T", " ")} UTC` : "up, never used";
}
