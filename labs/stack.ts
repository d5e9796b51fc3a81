import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse as parseYaml } from "yaml";
import { BACKEND_FACTS } from "../backends";
import { formatCidr, overlaps, parseCidr, type Cidr } from "../ip/cidr";
import { KIND_NODE_IMAGE } from "../pins";
import { chartDirProblems } from "./chart-dirs";
import { SpecError, type SpecProblem } from "./errors";
import { imageMapValueProblems, registryMirrorProblems } from "./stack-maps";
import { stackSchema, type StackSettings } from "./schema";
import { zodProblems } from "./zod-problems";

/** The stack settings after defaults: every optional key resolved. */
export interface Stack extends Omit<StackSettings, "clusterName" | "nodeImage"> {
  /** The Pulumi stack name: <name> of the settings file Pulumi.<name>.yaml. */
  name: string;
  clusterName: string;
  nodeImage: string;
  /** Where the settings came from, for messages. */
  source: string;
}

const NAMESPACE = "cnilab:";
/** Pulumi's stack settings file name: Pulumi.<stack>.yaml. */
export const STACK_FILE_NAME = /^Pulumi\.(.+)\.ya?ml$/;

/** The stack a settings file is for: <stack> of Pulumi.<stack>.yaml, else the file name without its extension. */
export function stackNameOf(file: string): string {
  const base = basename(file);
  return STACK_FILE_NAME.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, "");
}

/**
 * cnilab-<stack>: two stacks of one backend (an ipvs copy of flannel-vxlan, say) must not share a
 * cluster, so the default follows the stack, not the backend. Characters a cluster name cannot have
 * ('_', '.', capitals) become '-' / lowercase.
 */
export function defaultClusterName(stack: string): string {
  return `cnilab-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
}

/**
 * Reads `stacks/Pulumi.<stack>.yaml` into the raw `cnilab:` settings (prefix stripped). Keys of other
 * namespaces (a provider's, say) are left alone.
 */
export function readStackFile(file: string): Record<string, unknown> {
  const doc = parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const config = doc?.config ?? {};
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith(NAMESPACE))
      .map(([k, v]) => [k.slice(NAMESPACE.length), v]),
  );
}

/** Pulumi hands an object setting (the maps) to the program as JSON text; a stack file read directly holds the object. */
export function objectSettings(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const key of ["imageMap", "registryMirrors", "chartDirs"]) {
    const value = out[key];
    if (typeof value !== "string") continue;
    try {
      out[key] = JSON.parse(value);
    } catch {
      // Left as text: the schema then says an object was expected.
    }
  }
  return out;
}

/** Pulumi config values arrive as strings; a list (scenarios) or an object (the maps) arrives as JSON text. */
function normalise(raw: Record<string, unknown>): Record<string, unknown> {
  const out = objectSettings(raw);
  const scenarios = out.scenarios;
  if (typeof scenarios === "string") {
    try {
      out.scenarios = JSON.parse(scenarios);
    } catch {
      out.scenarios = scenarios.split(",").map((s) => s.trim());
    }
  }
  return out;
}

/** Strict parse → defaults → cross-field checks; every problem is reported at once. */
export function parseStack(raw: Record<string, unknown>, source: string): Stack {
  if (Object.keys(raw).length === 0) {
    // An empty file, or one with only other namespaces' keys: one line, not a problem per missing key.
    throw new SpecError([
      { source, path: "", message: `has no cnilab: settings (an empty file?); a stack sets at least cnilab:lab and cnilab:backend (README "Stacks")` },
    ]);
  }
  const parsed = stackSchema.safeParse(normalise(raw), { reportInput: true });
  if (!parsed.success) {
    const problems = zodProblems(stackSchema, parsed.error.issues, source).map((p) => ({ ...p, path: `cnilab:${p.path}` }));
    throw new SpecError(problems);
  }
  const s = parsed.data;
  const name = stackNameOf(source);
  const stack: Stack = {
    ...s,
    name,
    clusterName: s.clusterName ?? defaultClusterName(name),
    nodeImage: s.nodeImage ?? KIND_NODE_IMAGE,
    source,
  };
  const problems = [...checkStack(stack), ...imageMapValueProblems(stack.imageMap, source), ...registryMirrorProblems(stack.registryMirrors, source), ...chartDirProblems(stack.chartDirs, source)];
  if (problems.length > 0) throw new SpecError(problems);
  return stack;
}

function checkStack(s: Stack): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const at = (key: string, message: string) => problems.push({ source: s.source, path: `cnilab:${key}`, message });
  if (!stackSchema.shape.clusterName.safeParse(s.clusterName).success) {
    at("clusterName", `the default '${s.clusterName}' (cnilab-<stack>) is not a DNS-1123 label of at most 40 characters; set cnilab:clusterName`);
  }
  const cidrs: [string, Cidr][] = [];
  for (const key of ["podSubnet", "serviceSubnet", "nodeSubnet"] as const) {
    const c = parseCidr(s[key]);
    if (typeof c === "string") at(key, c);
    else cidrs.push([key, c]);
  }
  // kind does not check this (ENVIRONMENT.md); overlapping ranges make Services or pods unroutable.
  for (let i = 0; i < cidrs.length; i++) {
    for (let j = i + 1; j < cidrs.length; j++) {
      const [ka, a] = cidrs[i]!;
      const [kb, b] = cidrs[j]!;
      if (overlaps(a, b)) at(kb, `${formatCidr(b)} overlaps cnilab:${ka} ${formatCidr(a)}; the pod, service and node subnets must be disjoint`);
    }
  }
  const pod = cidrs.find(([k]) => k === "podSubnet")?.[1];
  const nodes = s.workers + 1;
  // Each node gets a /24 of the pod subnet (kubeadm's default node CIDR size; our multiplex ranges too).
  if (pod && pod.prefix > 24) at("podSubnet", `${formatCidr(pod)} is smaller than a /24; each node needs a /24 of it`);
  else if (pod && 2 ** (24 - pod.prefix) < nodes) at("podSubnet", `${formatCidr(pod)} holds ${2 ** (24 - pod.prefix)} node /24s, fewer than ${nodes} nodes`);
  const node = cidrs.find(([k]) => k === "nodeSubnet")?.[1];
  if (node && node.prefix > 28) at("nodeSubnet", `${formatCidr(node)} is too small for ${nodes} nodes and the gateway; use a /24`);
  if (s.kubeProxyMode === "nftables") {
    const minor = kubernetesMinor(s.nodeImage);
    // kube-proxy's nftables mode is beta from Kubernetes 1.31; kind passes it only to such node images.
    if (minor !== undefined && minor < 31) at("kubeProxyMode", `nftables needs Kubernetes ≥ 1.31, but cnilab:nodeImage is v1.${minor}; use iptables or ipvs, or a newer node image`);
  }
  if (BACKEND_FACTS[s.backend].family === "calico" && pod && pod.prefix > 26 - 2) {
    at("podSubnet", `calico allocates /26 blocks per node; ${formatCidr(pod)} is too small, use at least a /24`);
  }
  return problems;
}

/** "kindest/node:v1.30.4@sha256:…" → 30; undefined when the tag does not say. */
export function kubernetesMinor(image: string): number | undefined {
  const m = /:v1\.(\d+)\./.exec(image);
  return m ? Number(m[1]) : undefined;
}
