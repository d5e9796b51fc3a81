import { isIP } from "node:net";
import { isAbsolute } from "node:path";
import { parseCidr } from "../ip/cidr";
import { PROBE_OUTCOMES, PROBE_PROTOCOLS } from "./types";
import type { PlanFileProbe, ProbeOutcome, ProbePlanFile, ProbeProtocol } from "./types";
import { isRecord, show } from "./json";

export type PlanCheck = { ok: true; plan: ProbePlanFile } | { ok: false; problems: string[] };

const PLAN_FIELDS = ["concurrency", "retryDelayMs", "probes"] as const;
const PROBE_FIELDS = ["id", "to", "endpoint", "port", "protocol", "timeoutMs", "attempts", "expect", "within", "content"] as const;
const ENDPOINT_FIELDS = ["service", "index"] as const;
/** "namespace/service", each a DNS-1123 label. */
const SERVICE_KEY = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** One attempt longer than ten minutes is a mistake, not a probe. */
const MAX_TIMEOUT_MS = 600_000;
const MAX_ATTEMPTS = 100;
const MAX_CONCURRENCY = 1024;
/** RFC 1123 labels joined by dots; a trailing dot (fully qualified) is allowed. */
const DNS_NAME = /^(?=.{1,253}\.?$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.?$/i;

/** Parses and validates a plan file's text, collecting every problem (each names its path). */
export function parsePlanText(text: string, source = "plan"): PlanCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`${source}: not valid JSON (${(err as Error).message})`] };
  }
  return validatePlan(json);
}

export function validatePlan(input: unknown): PlanCheck {
  const problems: string[] = [];
  if (!isRecord(input)) return { ok: false, problems: [`plan: must be an object with "probes", got ${show(input)}`] };
  unknownFields(input, PLAN_FIELDS, "plan", problems);
  const plan: ProbePlanFile = { probes: [] };
  if (input.concurrency !== undefined) {
    if (isIntegerIn(input.concurrency, 1, MAX_CONCURRENCY)) plan.concurrency = input.concurrency;
    else problems.push(`plan.concurrency: must be an integer 1..${MAX_CONCURRENCY}, got ${show(input.concurrency)}`);
  }
  if (input.retryDelayMs !== undefined) {
    if (isIntegerIn(input.retryDelayMs, 0, MAX_TIMEOUT_MS)) plan.retryDelayMs = input.retryDelayMs;
    else problems.push(`plan.retryDelayMs: must be an integer 0..${MAX_TIMEOUT_MS}, got ${show(input.retryDelayMs)}`);
  }
  if (!Array.isArray(input.probes)) {
    problems.push(`plan.probes: must be an array of probes, got ${show(input.probes)}`);
    return { ok: false, problems };
  }
  const seen = new Map<string, number>();
  input.probes.forEach((raw: unknown, index: number) => {
    const probe = validateProbe(raw, `probes[${index}]`, problems);
    if (!probe) return;
    const first = seen.get(probe.id);
    if (first !== undefined) {
      problems.push(`probes[${index}].id: "${probe.id}" is already the id of probes[${first}]; ids must be unique`);
      return;
    }
    seen.set(probe.id, index);
    plan.probes.push(probe);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan };
}

function validateProbe(raw: unknown, path: string, problems: string[]): PlanFileProbe | undefined {
  if (!isRecord(raw)) {
    problems.push(`${path}: must be an object, got ${show(raw)}`);
    return undefined;
  }
  const before = problems.length;
  unknownFields(raw, PROBE_FIELDS, path, problems);
  const { id, to, endpoint, port, protocol, timeoutMs, attempts, expect, within, content } = raw;
  // The log parser finds the id of a garbled line by its text, so an id must read the same inside JSON.
  if (typeof id !== "string" || id.length === 0 || /[\s"\\\p{Cc}]/u.test(id)) {
    problems.push(`${path}.id: must be a non-empty string without spaces, quotes or backslashes, got ${show(id)}`);
  }
  if (protocol === "file") validateFileTarget(raw, path, problems);
  else validateNetworkTarget(raw, path, problems);
  if (!(PROBE_PROTOCOLS as readonly unknown[]).includes(protocol)) {
    problems.push(`${path}.protocol: must be one of ${PROBE_PROTOCOLS.join(", ")}, got ${show(protocol)}`);
  }
  if (!isIntegerIn(timeoutMs, 1, MAX_TIMEOUT_MS)) {
    problems.push(`${path}.timeoutMs: must be an integer 1..${MAX_TIMEOUT_MS}, got ${show(timeoutMs)}`);
  }
  if (!isIntegerIn(attempts, 1, MAX_ATTEMPTS)) {
    problems.push(`${path}.attempts: must be an integer 1..${MAX_ATTEMPTS}, got ${show(attempts)}`);
  }
  if (expect !== undefined && !(PROBE_OUTCOMES as readonly unknown[]).includes(expect)) {
    problems.push(`${path}.expect: must be one of ${PROBE_OUTCOMES.join(", ")} when given, got ${show(expect)}`);
  }
  if (problems.length > before) return undefined;
  const common = {
    id: id as string,
    port: port as number,
    protocol: protocol as ProbeProtocol,
    timeoutMs: timeoutMs as number,
    attempts: attempts as number,
    ...(expect === undefined ? {} : { expect: expect as ProbeOutcome }),
    ...(within === undefined ? {} : { within: within as string }),
    ...(content === undefined ? {} : { content: content as string }),
  };
  return to !== undefined ? { ...common, to: to as string } : { ...common, endpoint: endpoint as { service: string; index: number } };
}

/** A file probe reads an absolute path, has no port and dials nothing. */
function validateFileTarget(raw: Record<string, unknown>, path: string, problems: string[]): void {
  const { to, endpoint, port, within, content } = raw;
  if (typeof to !== "string" || !isAbsolute(to) || endpoint !== undefined) problems.push(`${path}.to: a file probe reads the absolute path given as "to" (no endpoint), got ${show(to)}`);
  if (port !== 0) problems.push(`${path}.port: a file probe has no port: must be 0, got ${show(port)}`);
  if (within !== undefined) problems.push(`${path}.within: only a network probe dials an address; a file probe takes none`);
  if (content !== undefined && typeof content !== "string") problems.push(`${path}.content: must be a string, got ${show(content)}`);
}

/** A network probe dials `to` or an endpoint on a port, optionally only inside `within`. */
function validateNetworkTarget(raw: Record<string, unknown>, path: string, problems: string[]): void {
  const { to, endpoint, port, within, content, protocol } = raw;
  if ((to === undefined) === (endpoint === undefined)) {
    problems.push(`${path}: needs exactly one of "to" (an address or DNS name) and "endpoint" ({ service, index }), got ${to === undefined ? "neither" : "both"}`);
  } else if (to !== undefined && (typeof to !== "string" || (isIP(to) === 0 && !DNS_NAME.test(to)))) {
    problems.push(`${path}.to: must be an IPv4/IPv6 address or a DNS name, got ${show(to)}`);
  } else if (endpoint !== undefined) {
    validateEndpoint(endpoint, `${path}.endpoint`, problems);
  }
  if (!isIntegerIn(port, 1, 65535)) problems.push(`${path}.port: must be an integer 1..65535, got ${show(port)}`);
  if (within !== undefined && (typeof within !== "string" || typeof parseCidr(within) === "string")) {
    problems.push(`${path}.within: must be an IPv4 CIDR such as "10.96.0.0/16", got ${show(within)}`);
  }
  if (content !== undefined) problems.push(`${path}.content: only a file probe reads content; this one is ${show(protocol)}`);
}

function validateEndpoint(endpoint: unknown, path: string, problems: string[]): void {
  if (!isRecord(endpoint)) {
    problems.push(`${path}: must be an object { service: "namespace/name", index }, got ${show(endpoint)}`);
    return;
  }
  unknownFields(endpoint, ENDPOINT_FIELDS, path, problems);
  if (typeof endpoint.service !== "string" || !SERVICE_KEY.test(endpoint.service)) {
    problems.push(`${path}.service: must be "namespace/name" (DNS-1123 labels), got ${show(endpoint.service)}`);
  }
  if (!isIntegerIn(endpoint.index, 0, 1023)) problems.push(`${path}.index: must be an integer 0..1023, got ${show(endpoint.index)}`);
}

function unknownFields(obj: Record<string, unknown>, allowed: readonly string[], path: string, problems: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push(`${path}.${key}: unknown field (allowed: ${allowed.join(", ")})`);
  }
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

