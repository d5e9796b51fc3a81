/** Small helpers for reading untrusted JSON (plan files, log lines). */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value as it appears in an error message. */
export function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
