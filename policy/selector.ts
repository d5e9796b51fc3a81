/**
 * metav1.LabelSelector matching with apimachinery's semantics (k8s.io/apimachinery
 * pkg/labels/selector.go, `Requirement.Matches`): matchLabels and every matchExpression must all
 * hold; an empty selector matches everything.
 */
import type { Labels } from "./types";

export const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;
export type SelectorOperator = (typeof SELECTOR_OPERATORS)[number];

export interface LabelSelectorInput {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] | null }[] | null;
}

interface Requirement {
  key: string;
  operator: SelectorOperator;
  values: ReadonlySet<string>;
}

/** A selector reduced to requirements; `matchLabels: {k: v}` is `k In (v)`, as apimachinery converts it. */
export interface CompiledSelector {
  requirements: readonly Requirement[];
}

const REQUIREMENT_HOLDS: Record<SelectorOperator, (r: Requirement, labels: Labels) => boolean> = {
  In: (r, labels) => Object.hasOwn(labels, r.key) && r.values.has(labels[r.key]!),
  // apimachinery: an absent key satisfies NotIn. (cyclonus's matcher differs here; we follow the API.)
  NotIn: (r, labels) => !Object.hasOwn(labels, r.key) || !r.values.has(labels[r.key]!),
  Exists: (r, labels) => Object.hasOwn(labels, r.key),
  DoesNotExist: (r, labels) => !Object.hasOwn(labels, r.key),
};

/** Compiles a selector that `selectorProblems` found valid. */
export function compileSelector(selector: LabelSelectorInput): CompiledSelector {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: "In", values: new Set([value]) });
  }
  for (const e of selector.matchExpressions ?? []) {
    requirements.push({ key: e.key, operator: e.operator as SelectorOperator, values: new Set(e.values ?? []) });
  }
  return { requirements };
}

export function selectorMatches(selector: CompiledSelector, labels: Labels): boolean {
  for (const r of selector.requirements) {
    if (!REQUIREMENT_HOLDS[r.operator](r, labels)) return false;
  }
  return true;
}

/**
 * What the API server's ValidateLabelSelector would refuse, as "path: message" lines. Values
 * must be strings: YAML reads `tier: 1` as a number, which the API's map[string]string rejects.
 */
export function selectorProblems(value: unknown, path: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object" || Array.isArray(value)) return [`${path}: must be a label selector object`];
  const problems: string[] = [];
  const { matchLabels, matchExpressions } = value as Record<string, unknown>;
  if (matchLabels !== null && matchLabels !== undefined) {
    if (typeof matchLabels !== "object" || Array.isArray(matchLabels)) {
      problems.push(`${path}.matchLabels: must be a map of label key to value`);
    } else {
      for (const [k, v] of Object.entries(matchLabels)) {
        if (typeof v !== "string") problems.push(`${path}.matchLabels.${k}: must be a string, got ${JSON.stringify(v)} (quote it)`);
      }
    }
  }
  if (matchExpressions !== null && matchExpressions !== undefined) {
    if (!Array.isArray(matchExpressions)) return [...problems, `${path}.matchExpressions: must be a list`];
    matchExpressions.forEach((e: unknown, i) => problems.push(...expressionProblems(e, `${path}.matchExpressions[${i}]`)));
  }
  return problems;
}

function expressionProblems(e: unknown, path: string): string[] {
  if (typeof e !== "object" || e === null) return [`${path}: must be an object with key, operator and values`];
  const { key, operator, values } = e as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof key !== "string" || key === "") problems.push(`${path}.key: required, a label key`);
  if (!SELECTOR_OPERATORS.includes(operator as SelectorOperator)) {
    problems.push(`${path}.operator: ${JSON.stringify(operator)} is not one of ${SELECTOR_OPERATORS.join(", ")}`);
    return problems;
  }
  const list = values ?? [];
  if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) {
    problems.push(`${path}.values: must be a list of strings`);
  } else if ((operator === "In" || operator === "NotIn") && list.length === 0) {
    problems.push(`${path}.values: must be non-empty when operator is ${operator}`);
  } else if ((operator === "Exists" || operator === "DoesNotExist") && list.length > 0) {
    problems.push(`${path}.values: must be empty when operator is ${operator}`);
  }
  return problems;
}
