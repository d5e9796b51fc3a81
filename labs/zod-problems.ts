import type { z } from "zod";
import { closest, formatPath, type SpecProblem } from "./errors";

/**
 * Turns zod issues into problems a person can act on: the path, the bad value, and what is allowed
 * (the allowed keys of the object, the allowed values of the enum, with a "did you mean").
 */
export function zodProblems(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], source: string): SpecProblem[] {
  return issues.flatMap((issue): SpecProblem[] => {
    const path = formatPath(issue.path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = objectKeysAt(schema, issue.path);
        return issue.keys.map((key) => {
          const hint = closest(key, allowed);
          return {
            source,
            path: path ? `${path}.${key}` : key,
            message: `unknown key '${key}'${hint ? ` (did you mean '${hint}'?)` : ""}; allowed keys: ${allowed.join(", ")}`,
          };
        });
      }
      case "invalid_value": {
        const allowed = issue.values.map(String);
        const got = "input" in issue ? String(issue.input) : undefined;
        const hint = got === undefined ? undefined : closest(got, allowed);
        return [
          {
            source,
            path,
            message: `${got === undefined ? "value" : `'${got}'`} is not allowed${hint ? ` (did you mean '${hint}'?)` : ""}; allowed: ${allowed.join(", ")}`,
          },
        ];
      }
      case "invalid_type": {
        const input = "input" in issue ? issue.input : undefined;
        const got = input === undefined ? "nothing (the field is required)" : `${typeName(input)} ${JSON.stringify(input)}`;
        return [{ source, path, message: `expected ${issue.expected}, got ${got}` }];
      }
      case "invalid_union": {
        // Name each alternative by what its branch expected: "an array or 'all-pairs'".
        const alternatives = issue.errors.map((branch) => {
          const first = branch[0];
          if (first?.code === "invalid_type") return first.expected;
          if (first?.code === "invalid_value") return first.values.map((v) => `'${String(v)}'`).join(" or ");
          return first?.message ?? "another shape";
        });
        const input = "input" in issue ? issue.input : undefined;
        const got = input === undefined ? "nothing (the field is required)" : `${typeName(input)} ${JSON.stringify(input)}`;
        return [{ source, path, message: `expected ${[...new Set(alternatives)].join(" or ")}, got ${got}` }];
      }
      case "custom":
        // Our own cross-field rules: the message says it all (the input is the whole object).
        return [{ source, path, message: issue.message }];
      default: {
        const input = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
        return [{ source, path, message: `${issue.message}${input}` }];
      }
    }
  });
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema at `path` allows (wrappers such as optional/default are looked through). */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let d = defOf(s);
    let out = s;
    while ((d.type === "optional" || d.type === "default" || d.type === "pipe" || d.type === "nullable") && (d.innerType ?? d.in)) {
      out = (d.innerType ?? d.in)!;
      d = defOf(out);
    }
    return out;
  };
  for (const key of path) {
    if (!current) return [];
    const d = defOf(unwrap(current));
    if (d.type === "object" && typeof key === "string") current = d.shape?.[key];
    else if (d.type === "array" && typeof key === "number") current = d.element;
    else return [];
  }
  if (!current) return [];
  const d = defOf(unwrap(current));
  return d.type === "object" && d.shape ? Object.keys(d.shape) : [];
}
