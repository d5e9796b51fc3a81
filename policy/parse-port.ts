/**
 * One `ports` entry of a NetworkPolicy rule, checked as ValidateNetworkPolicyPort does
 * (pkg/apis/networking/validation/validation.go @019c5dc): protocol, a numeric or named port, and endPort
 * only after a numeric port and not below it.
 */
import { isObj, isSet } from "./guards";
import { PROTOCOLS, type Protocol } from "./types";

export interface ParsedPort {
  protocol: Protocol;
  /** A numeric port, alone or as the start of an endPort range; absent with `name` or for "all ports". */
  port?: number;
  endPort?: number;
  /** A named port, resolved against the destination pod's container ports. */
  name?: string;
}

export function parsePort(value: unknown, path: string, problems: string[]): ParsedPort | undefined {
  if (!isObj(value)) {
    problems.push(`${path}: must be a mapping with protocol, port and endPort`);
    return undefined;
  }
  const before = problems.length;
  // Protocol defaults to TCP (pkg/apis/networking/v1/defaults.go @030880a, SetDefaults_NetworkPolicyPort).
  const protocol = value.protocol ?? "TCP";
  if (!PROTOCOLS.includes(protocol as Protocol)) {
    problems.push(`${path}.protocol: ${JSON.stringify(protocol)} is not one of ${PROTOCOLS.join(", ")}`);
  }
  const out: ParsedPort = { protocol: protocol as Protocol };
  const { port: p, endPort } = value;
  if (typeof p === "number") {
    if (!isPortNumber(p)) problems.push(`${path}.port: ${p} is not a port number 1..65535`);
    out.port = p;
    if (isSet(endPort)) {
      if (typeof endPort !== "number" || !isPortNumber(endPort)) problems.push(`${path}.endPort: ${JSON.stringify(endPort)} is not a port number 1..65535`);
      else if (endPort < p) problems.push(`${path}.endPort: ${endPort} must be greater than or equal to port ${p}`);
      else out.endPort = endPort;
    }
  } else if (typeof p === "string") {
    const issue = portNameProblem(p);
    if (issue) problems.push(`${path}.port: ${issue}`);
    if (isSet(endPort)) problems.push(`${path}.endPort: may not be specified when port is a name`);
    out.name = p;
  } else if (isSet(p)) {
    problems.push(`${path}.port: must be a number or a container port name`);
  } else if (isSet(endPort)) {
    problems.push(`${path}.endPort: may not be specified when port is not specified`);
  }
  return problems.length === before ? out : undefined;
}

export function isPortNumber(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** IANA_SVC_NAME as apimachinery's IsValidPortName checks it; undefined when valid. */
export function portNameProblem(name: string): string | undefined {
  if (/^\d+$/.test(name)) return `${JSON.stringify(name)} is a string; write ${name} without quotes for a port number`;
  if (name.length > 15) return `${JSON.stringify(name)} is longer than 15 characters`;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.includes("--")) {
    return `${JSON.stringify(name)} must be lowercase letters, digits and single inner hyphens`;
  }
  if (!/[a-z]/.test(name)) return `${JSON.stringify(name)} must contain at least one letter`;
  return undefined;
}
