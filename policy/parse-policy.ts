/**
 * A `networking.k8s.io/v1` NetworkPolicy object → the engine's normalized form, refusing what the
 * API server's validation refuses (pkg/apis/networking/validation/validation.go @019c5dc,
 * ValidateNetworkPolicySpec/Port/Peer/IPBlock) and collecting every problem with its field path.
 * Absent and `null` fields read as Go's decoder reads them: as not set.
 */
import { parseIpBlockRange, strictlyInside, type IpBlockRange } from "../ip/cidr";
import { unknownPolicyFields } from "./fields";
import { isObj, isSet, type Obj } from "./guards";
import { selectorProblems, type LabelSelectorInput } from "./selector";
import { parsePort, type ParsedPort } from "./parse-port";

export type ParsedPeer =
  | { kind: "pods"; podSelector?: LabelSelectorInput; namespaceSelector?: LabelSelectorInput }
  | { kind: "ipBlock"; cidr: IpBlockRange; except: readonly IpBlockRange[] };

export type { ParsedPort };

export interface ParsedRule {
  /** `null`: `from`/`to` empty or absent, which matches every peer. */
  peers: readonly ParsedPeer[] | null;
  /** `null`: `ports` empty or absent, which matches every port and protocol. */
  ports: readonly ParsedPort[] | null;
}

export interface ParsedPolicy {
  namespace: string;
  name: string;
  podSelector: LabelSelectorInput;
  /** `null` when the policy does not apply to this direction (policyTypes); `[]` isolates and allows nothing. */
  ingress: readonly ParsedRule[] | null;
  egress: readonly ParsedRule[] | null;
}

/** kubectl applies an object without a namespace to the context's namespace; offline, that is "default". */
export const DEFAULT_NAMESPACE = "default";

const POLICY_TYPES = ["Ingress", "Egress"] as const;


export function parseNetworkPolicy(value: unknown): ParsedPolicy | { problems: string[] } {
  const problems: string[] = [];
  if (!isObj(value)) return { problems: ["object: must be a mapping"] };
  // Strict field validation, as the API server's: a misspelt field must not read as an absent one.
  problems.push(...unknownPolicyFields(value).map((p) => `${p.path}: ${p.message}`));
  const metadata = isObj(value.metadata) ? value.metadata : {};
  const name = metadata.name;
  if (typeof name !== "string" || name === "") problems.push("metadata.name: required");
  const namespace = metadata.namespace ?? DEFAULT_NAMESPACE;
  if (typeof namespace !== "string") problems.push("metadata.namespace: must be a string");
  const spec = value.spec ?? {};
  if (!isObj(spec)) return { problems: [...problems, "spec: must be a mapping"] };

  problems.push(...selectorProblems(spec.podSelector, "spec.podSelector"));
  const types = policyTypes(spec, problems);
  const ingress = rules(spec.ingress, "spec.ingress", "from", problems);
  const egress = rules(spec.egress, "spec.egress", "to", problems);
  if (problems.length > 0) return { problems };
  return {
    namespace: namespace as string,
    name: name as string,
    podSelector: (spec.podSelector as LabelSelectorInput | null) ?? {},
    ingress: types.has("Ingress") ? ingress : null,
    egress: types.has("Egress") ? egress : null,
  };
}

/**
 * policyTypes as written, else the API's default (pkg/apis/networking/v1/defaults.go @030880a,
 * SetDefaults_NetworkPolicy): Ingress always, Egress when `egress` has at least one rule — so
 * `egress: []` without policyTypes does not isolate for egress.
 */
function policyTypes(spec: Obj, problems: string[]): Set<string> {
  const written = spec.policyTypes;
  if (isSet(written)) {
    if (!Array.isArray(written)) {
      problems.push("spec.policyTypes: must be a list of Ingress, Egress");
      return new Set();
    }
    written.forEach((t, i) => {
      if (!POLICY_TYPES.includes(t)) problems.push(`spec.policyTypes[${i}]: ${JSON.stringify(t)} is not one of Ingress, Egress`);
    });
    if (written.length > 0) return new Set(written as string[]);
  }
  const hasEgressRules = Array.isArray(spec.egress) && spec.egress.length > 0;
  return new Set(hasEgressRules ? ["Ingress", "Egress"] : ["Ingress"]);
}

function rules(value: unknown, path: string, peerField: "from" | "to", problems: string[]): ParsedRule[] {
  if (!isSet(value)) return [];
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be a list of rules`);
    return [];
  }
  return value.map((rule: unknown, i) => {
    const rulePath = `${path}[${i}]`;
    if (!isObj(rule)) {
      problems.push(`${rulePath}: must be a mapping (write {} for a rule that allows everything)`);
      return { peers: null, ports: null };
    }
    const peers = list(rule[peerField], `${rulePath}.${peerField}`, problems, peer);
    const ports = list(rule.ports, `${rulePath}.ports`, problems, parsePort);
    return { peers: peers.length > 0 ? peers : null, ports: ports.length > 0 ? ports : null };
  });
}

function list<T>(value: unknown, path: string, problems: string[], parse: (v: unknown, p: string, problems: string[]) => T | undefined): T[] {
  if (!isSet(value)) return [];
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be a list`);
    return [];
  }
  const out: T[] = [];
  value.forEach((v: unknown, i) => {
    const parsed = parse(v, `${path}[${i}]`, problems);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

function peer(value: unknown, path: string, problems: string[]): ParsedPeer | undefined {
  if (!isObj(value)) {
    problems.push(`${path}: must be a mapping with podSelector, namespaceSelector or ipBlock`);
    return undefined;
  }
  const { podSelector, namespaceSelector, ipBlock } = value;
  const count = [podSelector, namespaceSelector, ipBlock].filter(isSet).length;
  if (count === 0) {
    problems.push(`${path}: must specify a peer (podSelector, namespaceSelector or ipBlock)`);
    return undefined;
  }
  if (isSet(ipBlock)) {
    if (count > 1) problems.push(`${path}: may not combine ipBlock with podSelector or namespaceSelector`);
    return ipBlockPeer(ipBlock, `${path}.ipBlock`, problems);
  }
  const selectorIssues = [
    ...selectorProblems(podSelector, `${path}.podSelector`),
    ...selectorProblems(namespaceSelector, `${path}.namespaceSelector`),
  ];
  problems.push(...selectorIssues);
  if (selectorIssues.length > 0) return undefined;
  return {
    kind: "pods",
    ...(isSet(podSelector) ? { podSelector: podSelector as LabelSelectorInput } : {}),
    ...(isSet(namespaceSelector) ? { namespaceSelector: namespaceSelector as LabelSelectorInput } : {}),
  };
}

function ipBlockPeer(value: unknown, path: string, problems: string[]): ParsedPeer | undefined {
  if (!isObj(value)) {
    problems.push(`${path}: must be a mapping with cidr and optional except`);
    return undefined;
  }
  if (typeof value.cidr !== "string" || value.cidr === "") {
    problems.push(`${path}.cidr: required, e.g. 10.0.0.0/8`);
    return undefined;
  }
  const cidr = parseIpBlockRange(value.cidr);
  if (typeof cidr === "string") {
    problems.push(`${path}.cidr: ${cidr}`);
    return undefined;
  }
  const except = list(value.except, `${path}.except`, problems, (v, p, probs) => {
    const r = typeof v === "string" ? parseIpBlockRange(v) : "must be a CIDR string";
    if (typeof r === "string") probs.push(`${p}: ${r}`);
    else if (!strictlyInside(cidr, r)) probs.push(`${p}: ${JSON.stringify(v)} must be a strict subset of cidr ${value.cidr}`);
    else return r;
    return undefined;
  });
  return { kind: "ipBlock", cidr, except };
}
