/**
 * Strict field validation for NetworkPolicy objects, as the API server does it (`kubectl apply`
 * defaults to --validate=strict: an unknown field is an error). Without it `podSelecter:` would read
 * as an absent podSelector — which selects every pod — and flip verdicts without a word.
 *
 * The fields are those of networking.k8s.io/v1 (kubernetes/api networking/v1/types.go, NetworkPolicy
 * and what it holds; `status` is tombstoned there, so absent) and of metav1.ObjectMeta and
 * LabelSelector (kubernetes/apimachinery pkg/apis/meta/v1/types.go).
 */
import { didYouMean } from "../text/did-you-mean";
import { isObj } from "./guards";

/** A mapping's known fields; each maps to the shape of its value, `null` where nothing below is checked. */
interface Fields {
  [field: string]: Shape;
}
/** A list whose items are mappings with these fields. */
class ListOf {
  constructor(readonly item: Fields) {}
}
type Shape = Fields | ListOf | null;
const listOf = (item: Fields) => new ListOf(item);

const REQUIREMENT: Fields = { key: null, operator: null, values: null };
const SELECTOR: Fields = { matchLabels: null, matchExpressions: listOf(REQUIREMENT) };
const PEER: Fields = { podSelector: SELECTOR, namespaceSelector: SELECTOR, ipBlock: { cidr: null, except: null } };
const PORT: Fields = { protocol: null, port: null, endPort: null };
const OBJECT_META: Fields = Object.fromEntries(
  [
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
  ].map((f) => [f, null]),
);

const NETWORK_POLICY: Fields = {
  apiVersion: null,
  kind: null,
  metadata: OBJECT_META,
  spec: {
    podSelector: SELECTOR,
    policyTypes: null,
    ingress: listOf({ from: listOf(PEER), ports: listOf(PORT) }),
    egress: listOf({ to: listOf(PEER), ports: listOf(PORT) }),
  },
};

export interface FieldProblem {
  /** The field's path in the object: `spec.ingress[0].from[0].podSelecter`. */
  path: string;
  message: string;
}

/** Every unknown field of a NetworkPolicy, each with the known field it most looks like. */
export function unknownPolicyFields(value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  visit(value, NETWORK_POLICY, "", problems);
  return problems;
}

function visit(value: unknown, fields: Fields, path: string, problems: FieldProblem[]): void {
  if (!isObj(value)) return;
  const known = Object.keys(fields);
  for (const [key, child] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (!(key in fields)) {
      problems.push({ path: here, message: `unknown field '${key}'${didYouMean(key, known)}; known here: ${known.join(", ")}` });
      continue;
    }
    const shape = fields[key];
    if (shape instanceof ListOf) {
      if (Array.isArray(child)) child.forEach((item, i) => visit(item, shape.item, `${here}[${i}]`, problems));
    } else if (shape) visit(child, shape, here, problems);
  }
}
