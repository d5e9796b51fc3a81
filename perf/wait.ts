/**
 * Polls until `check` yields a value or the bound passes; the timeout names what was awaited and,
 * when given, the last state seen.
 */
export async function waitFor<T>(what: string, timeoutMs: number, pollMs: number, check: () => Promise<T | undefined>, lastState?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastState ? `; last state: ${lastState()}` : ""}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
