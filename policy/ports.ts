/**
 * Which port a connection uses and whether a rule's `ports` admit it. Named ports resolve against
 * the DESTINATION pod's container ports, for ingress and egress rules alike: the name says what
 * the server listens on (upstream e2e "should allow egress access on one named port",
 * network_policy.go @008b365, allows serve-80-tcp to every destination that declares it).
 */
import type { CompiledPod } from "./compile";
import type { ParsedPort } from "./parse-policy";
import type { PortQuery, Protocol } from "./types";

/** The port number a query connects to on `dst`; undefined when a named query port is not declared there. */
export function resolveQuery(query: PortQuery, dst: CompiledPod): number | undefined {
  if (typeof query.port === "number") return query.port;
  return dst.ports.find((c) => c.name === query.port && c.protocol === query.protocol)?.containerPort;
}

/**
 * One `ports` entry against a connection to `port`/`protocol` on `dst`. The API says "only traffic
 * on the specified protocol AND port will be matched"; an entry with no port matches every port of
 * its protocol ("should enforce ingress policy allowing any port traffic to a server on a specific
 * protocol"). A named entry matches when `dst` declares a container port of that name and protocol
 * with that number; a name the destination does not declare matches nothing.
 */
export function portEntryMatches(entry: ParsedPort, port: number, protocol: Protocol, dst: CompiledPod): boolean {
  if (entry.protocol !== protocol) return false;
  if (entry.name !== undefined) {
    return dst.ports.some((c) => c.name === entry.name && c.protocol === protocol && c.containerPort === port);
  }
  if (entry.port === undefined) return true;
  return port >= entry.port && port <= (entry.endPort ?? entry.port);
}

/** Index of the first `ports` entry admitting the connection, "any" for a rule without ports, -1 for none. */
export function matchingPortEntry(ports: readonly ParsedPort[] | null, port: number, protocol: Protocol, dst: CompiledPod): number | "any" {
  if (ports === null) return "any";
  return ports.findIndex((e) => portEntryMatches(e, port, protocol, dst));
}

/** Whether the answer for `ports` can differ between destinations for this query. */
export function dependsOnDestination(ports: readonly ParsedPort[], query: PortQuery): boolean {
  return typeof query.port === "string" || ports.some((e) => e.name !== undefined);
}

export function formatQuery(query: PortQuery): string {
  return `${query.port}/${query.protocol}`;
}
