import type { z } from "zod";
import { didYouMean, formatPath, type SpecProblem } from "./errors";

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
        return issue.keys.map((key) => ({
          source,
          path: path ? `${path}.${key}` : key,
          message: `unknown key '${key}'${didYouMean(key, allowed)}; allowed keys: ${allowed.join(", ")}`,
        }));
      }
      case "invalid_value":
        return [{ source, path, message: notAllowed("input" in issue ? issue.input : undefined, issue.values.map(String)) }];
      case "invalid_type":
        return [{ source, path, message: `expected ${expectedName(issue.expected)}, got ${got(issue)}` }];
      case "invalid_union": {
        // Name each alternative by what its branch expected: "a list or 'all-pairs'".
        const alternatives = issue.errors.map((branch) => {
          const first = branch[0];
          if (first?.code === "invalid_type") return expectedName(first.expected);
          if (first?.code === "invalid_value") return first.values.map((v) => `'${String(v)}'`).join(" or ");
          return first?.message ?? "another shape";
        });
        return [{ source, path, message: `expected ${[...new Set(alternatives)].join(" or ")}, got ${got(issue)}` }];
      }
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const side = issue.code === "too_small" ? (issue.inclusive === false ? "more than" : "at least") : issue.inclusive === false ? "less than" : "at most";
        const input = "input" in issue ? issue.input : undefined;
        const of = issue.origin === "string" ? ` characters` : issue.origin === "array" || issue.origin === "set" ? ` items` : "";
        const size = typeof input === "string" || Array.isArray(input) ? ` (has ${input.length})` : input === undefined ? "" : ` (got ${shown(input)})`;
        return [{ source, path, message: `must ${of ? "have" : "be"} ${side} ${String(bound)}${of}${size}` }];
      }
      case "custom":
        // Our own cross-field rules: the message says it all (the input is the whole object).
        return [{ source, path, message: issue.message }];
      default: {
        // invalid_format carries our own regex message ("must be a DNS-1123 label: …").
        const input = "input" in issue && issue.input !== undefined ? ` (got ${shown(issue.input)})` : "";
        return [{ source, path, message: `${issue.message}${input}` }];
      }
    }
  });
}

/** zod's type names in a reader's words. */
const EXPECTED: Readonly<Record<string, string>> = {
  int: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a map (key: value)",
  record: "a map (key: value)",
};
export const expectedName = (expected: string): string => EXPECTED[expected] ?? expected;

function got(issue: z.core.$ZodIssue): string {
  return gotValue("input" in issue ? issue.input : undefined);
}

/** A value outside a closed set: "'Ingres' is not allowed (did you mean 'Ingress'?); allowed: Egress, Ingress". */
export function notAllowed(value: unknown, allowed: readonly string[]): string {
  const what = value === undefined ? "missing (the field is required)" : `${shown(value)} is not allowed`;
  return `${what}${typeof value === "string" ? didYouMean(value, allowed) : ""}; allowed: ${allowed.join(", ")}`;
}

/** What a field held, for "expected …, got …": "nothing (the field is required)", "null", "number 5". */
export function gotValue(input: unknown): string {
  if (input === undefined) return "nothing (the field is required)";
  return input === null ? "null" : `${typeName(input)} ${shown(input)}`;
}

/** A value as the file would spell it ('abc', 5, {"a":1}); NaN as "not a number". */
function shown(value: unknown): string {
  if (typeof value === "number" && Number.isNaN(value)) return "not a number";
  if (typeof value === "string") return `'${value}'`;
  return JSON.stringify(value) ?? String(value);
}

/** The kind of value in the file's terms: a YAML sequence is a list. */
function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value === "object" ? "map" : typeof value;
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
