/** Narrowing helpers for objects decoded from YAML/JSON, where `null` means "not set" as in Go. */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export const isSet = (v: unknown): boolean => v !== undefined && v !== null;
