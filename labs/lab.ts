import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { WORKLOAD_IMAGES } from "../pins";
import { yamlValue } from "../policy/input-gate";
import { unknownPolicyFields } from "../policy/fields";
import { parseNetworkPolicy } from "../policy/parse-policy";
import { didYouMean, fileProblem, SpecError, type SpecProblem } from "./errors";
import { labSchema, workloadPorts, type Lab, type NetworkPolicyObject, type Traffic } from "./schema";
import { expectedName, gotValue, notAllowed, objectKeysAt, zodProblems } from "./zod-problems";

/** The folder of the lab files: labs/ beside this module. */
export const LABS_DIR = path.resolve(__dirname);

export function labFile(name: string, labsDir = LABS_DIR): string {
  return path.join(labsDir, `${name}.yaml`);
}

/** The lab names labs/ holds: <name> of every <name>.yaml. */
export function listLabs(labsDir = LABS_DIR): string[] {
  return yamlNames(labsDir);
}

/** <name> of every <name>.yaml in a folder (a DNS-1123 name), sorted; none when the folder is not there. */
export function yamlNames(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((f) => (/^[a-z0-9-]+\.yaml$/.test(f) ? [f.slice(0, -".yaml".length)] : [])).sort();
  } catch {
    return [];
  }
}

/**
 * The text of labs/<name>.yaml and the path to name it by in messages. A file that is not there is
 * answered with the closest lab and the list; a directory or an unreadable file is named as such.
 */
export function readLabFile(name: string, labsDir = LABS_DIR): { text: string; source: string } {
  const file = labFile(name, labsDir);
  const source = path.relative(process.cwd(), file) || file;
  try {
    return { text: readFileSync(file, "utf8"), source };
  } catch (err) {
    const why = fileProblem(err);
    if ((err as { code?: unknown }).code !== "ENOENT") throw new SpecError([{ source, path: "", message: `cnilab:lab '${name}' names this file, but it ${why}` }]);
    const labs = listLabs(labsDir);
    const hint = didYouMean(name, labs);
    throw new SpecError([{ source, path: "", message: `no such lab file; cnilab:lab '${name}' names it${hint}; labs: ${labs.join(", ") || "(none)"}` }]);
  }
}

/** One YAML document as plain data; YAML syntax errors are SpecErrors naming the file. */
export function parseLabYaml(text: string, source: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SpecError(doc.errors.map((e) => ({ source, path: "", message: `YAML: ${e.message.split("\n")[0]}` })));
  }
  const read = yamlValue(doc);
  if ("problem" in read) throw new SpecError([{ source, path: "", message: `YAML: ${read.problem}` }]);
  return read.value;
}

/** Loads and validates labs/<name>.yaml; every problem is reported at once, each with its path. */
export async function loadLab(name: string, labsDir = LABS_DIR): Promise<Lab> {
  const { text, source } = readLabFile(name, labsDir);
  return parseLab(text, source);
}

export async function parseLab(text: string, source: string): Promise<Lab> {
  const value = parseLabYaml(text, source);
  if (value === null || value === undefined) {
    throw new SpecError([{ source, path: "", message: `the file is empty; a lab is a map with ${objectKeysAt(labSchema, []).join(", ")} (README "Labs and what a run checks")` }]);
  }
  const parsed = labSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new SpecError(zodProblems(labSchema, parsed.error.issues, source));
  // The policies are narrowed to NetworkPolicyObject by checkPolicies below, which rejects anything else.
  const lab = parsed.data as unknown as Lab;
  for (const s of lab.scenarios) if ((s.traffic as unknown) === "all-pairs") s.traffic = allPairs(lab);
  const problems = [...checkReferences(lab, source), ...(await checkPolicies(lab, source))];
  if (problems.length > 0) throw new SpecError(problems);
  return lab;
}

/** Every client to every workload on every container port, by number and protocol. */
function allPairs(lab: Lab): Traffic[] {
  return lab.clients.flatMap((c) =>
    lab.workloads.flatMap((w) => workloadPorts(w).map((p) => ({ from: c.name, to: w.name, port: p.containerPort, protocol: p.protocol }))),
  );
}

function duplicates(names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  return new Set(names.filter((n) => (seen.has(n) ? true : (seen.add(n), false))));
}

function checkReferences(lab: Lab, source: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const at = (p: string, message: string) => problems.push({ source, path: p, message });
  // "default" always exists in a cluster; every other namespace must be declared so it gets created.
  const namespaces = new Set(["default", ...lab.namespaces.map((n) => n.name)]);
  const workloads = new Map(lab.workloads.map((w) => [w.name, w]));
  const clients = new Set(lab.clients.map((c) => c.name));
  const checkNs = (p: string, ns: string) => {
    if (!namespaces.has(ns)) at(p, `namespace '${ns}' is not declared; declared: ${[...namespaces].join(", ")}`);
  };
  for (const dup of duplicates(lab.workloads.map((w) => w.name))) at("workloads", `two workloads are named '${dup}'`);
  for (const dup of duplicates(lab.clients.map((c) => c.name))) at("clients", `two clients are named '${dup}'`);
  for (const dup of duplicates(lab.scenarios.map((s) => s.name))) at("scenarios", `two scenarios are named '${dup}'`);
  // A later duplicate would silently replace the earlier one, and reordering the file would flip verdicts.
  for (const dup of duplicates(lab.namespaces.map((n) => n.name))) at("namespaces", `two namespaces are named '${dup}'`);
  for (const dup of duplicates(lab.checks.map((c) => c.kind))) at("checks", `two ${dup} checks; a lab has one of each kind`);
  lab.checks.forEach((c, i) => {
    if (c.kind !== "service" || c.workload === undefined) return;
    const target = workloads.get(c.workload);
    if (!target) at(`checks[${i}].workload`, `no workload named '${c.workload}'${didYouMean(c.workload, [...workloads.keys()])}; workloads: ${[...workloads.keys()].join(", ") || "(none)"}`);
    else if (!target.service) at(`checks[${i}].workload`, `workload '${c.workload}' has no service to probe; give it one (service: { ports: [...] })`);
  });
  lab.workloads.forEach((w, i) => {
    for (const dup of duplicates(w.containers.map((c) => c.name))) at(`workloads[${i}].containers`, `workload '${w.name}' has two containers named '${dup}'`);
  });
  lab.scenarios.forEach((s, i) => {
    const ids = s.policies.map((p) => {
      const meta = (p.metadata ?? {}) as { namespace?: string; name?: string };
      return `${meta.namespace ?? "default"}/${meta.name ?? ""}`;
    });
    for (const dup of duplicates(ids)) at(`scenarios[${i}].policies`, `scenario '${s.name}' has two NetworkPolicies ${dup}`);
  });
  lab.workloads.forEach((w, i) => {
    checkNs(`workloads[${i}].namespace`, w.namespace);
    w.containers.forEach((c, j) => {
      if (c.image in WORKLOAD_IMAGES || /[/:]/.test(c.image)) return;
      const where = w.containers.length === 1 && c.name === w.name ? `workloads[${i}].image` : `workloads[${i}].containers[${j}].image`;
      at(where, `'${c.image}' is neither a pinned image key (${Object.keys(WORKLOAD_IMAGES).join(", ")}) nor a full image reference`);
    });
  });
  lab.clients.forEach((c, i) => checkNs(`clients[${i}].namespace`, c.namespace));
  lab.scenarios.forEach((s, i) => {
    s.traffic.forEach((t, j) => {
      if (!clients.has(t.from)) at(`scenarios[${i}].traffic[${j}].from`, `no client named '${t.from}'; clients: ${[...clients].join(", ") || "(none)"}`);
      const target = workloads.get(t.to);
      if (!target) at(`scenarios[${i}].traffic[${j}].to`, `no workload named '${t.to}'; workloads: ${[...workloads.keys()].join(", ") || "(none)"}`);
      else if (typeof t.port === "string" && !workloadPorts(target).some((p) => p.name === t.port)) {
        at(`scenarios[${i}].traffic[${j}].port`, `workload '${t.to}' has no container port named '${t.port}'`);
      }
    });
    s.policies.forEach((p, j) => {
      const ns = (p.metadata as { namespace?: string } | undefined)?.namespace ?? "default";
      checkNs(`scenarios[${i}].policies[${j}].metadata.namespace`, ns);
    });
  });
  return problems;
}

/** One error of the Kubernetes OpenAPI validation (kubernetes-models validates with ajv). */
interface SchemaError {
  instancePath: string;
  keyword?: string;
  message?: string;
  params?: { allowedValues?: unknown[]; type?: string };
}

/** A type error in our words ("expected a map (key: value), got number 5"); other errors as the schema says them. */
function schemaMessage(e: SchemaError, value: unknown): string {
  if (e.keyword === "type" && typeof e.params?.type === "string") return `expected ${expectedName(e.params.type)}, got ${gotValue(value)}`;
  if (e.params?.allowedValues) {
    return notAllowed(value, e.params.allowedValues.map(String));
  }
  return e.message ?? "invalid";
}

function valueAt(root: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), root);
}

/** Validates every scenario's policies (networkPolicyProblems). */
async function checkPolicies(lab: Lab, source: string): Promise<SpecProblem[]> {
  const problems: SpecProblem[] = [];
  for (const [i, s] of lab.scenarios.entries()) {
    for (const [j, raw] of s.policies.entries()) problems.push(...(await networkPolicyProblems(raw, source, `scenarios[${i}].policies[${j}]`)));
  }
  return problems;
}

/**
 * The problems of one NetworkPolicy written in a lab or exercise file at `where`: first the
 * Kubernetes OpenAPI schema (kubernetes-models, Kubernetes 1.34) and strict field validation, then,
 * when those hold, the policy engine's parser (the API server's validation rules).
 */
export async function networkPolicyProblems(raw: unknown, source: string, where: string): Promise<SpecProblem[]> {
  const { NetworkPolicy } = await import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy");
  const problems: SpecProblem[] = [];
  const p = (raw ?? {}) as Partial<NetworkPolicyObject>;
  if (p.apiVersion !== "networking.k8s.io/v1" || p.kind !== "NetworkPolicy") {
    return [{ source, path: where, message: `expected apiVersion networking.k8s.io/v1 and kind NetworkPolicy, got ${p.apiVersion}/${p.kind}` }];
  }
  const object = `NetworkPolicy ${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? "(unnamed)"}`;
  // Strict field validation, as the API server's: a misspelt field must not read as an absent one.
  for (const f of unknownPolicyFields(raw)) problems.push({ source, path: `${where}.${f.path}`, message: `${object}: ${f.message}` });
  try {
    new NetworkPolicy(raw as never).validate();
  } catch (err) {
    const errors = (err as { errors?: SchemaError[] }).errors ?? [];
    for (const e of errors) {
      const keys = e.instancePath.split("/").filter(Boolean);
      const fieldPath = keys.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`)).join("");
      problems.push({ source, path: `${where}${fieldPath}`, message: schemaMessage(e, valueAt(raw, keys)) });
    }
    if (errors.length === 0) problems.push({ source, path: where, message: (err as Error).message });
  }
  if (problems.length > 0) return problems;
  // The schema holds; the API server's own rules (an ipBlock's except inside its cidr, port
  // ranges, selector operators) are the engine's parser's, so a lab that loads also plans.
  const parsed = parseNetworkPolicy(raw);
  return "problems" in parsed ? parsed.problems.map((line) => engineProblem(line, source, where, object)) : [];
}

/** "spec.ingress[0].from[0].ipBlock.except[0]: …" from the engine → the same problem at the lab's path. */
function engineProblem(line: string, source: string, where: string, object: string): SpecProblem {
  const colon = line.indexOf(": ");
  const [field, message] = colon < 0 ? ["", line] : [line.slice(0, colon), line.slice(colon + 2)];
  return { source, path: field ? `${where}.${field}` : where, message: `${object}: ${message}` };
}
