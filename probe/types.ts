/**
 * The probe program's contract: the plan it reads and the lines it prints. Other code (assertion
 * Jobs, `cnilab verify`) builds plans and reads logs against exactly these shapes.
 */

/**
 * tcp, udp and http dial `to:port`; file reads the file at the absolute path `to` inside the probe's own
 * container (a volume the probe's pod mounts), whose port is 0.
 */
export const PROBE_PROTOCOLS = ["tcp", "udp", "http", "file"] as const;
export type ProbeProtocol = (typeof PROBE_PROTOCOLS)[number];

export const PROBE_OUTCOMES = [
  "connected",
  "refused",
  "timeout",
  "dns-error",
  "no-route",
  "in-use",
  "found",
  "missing",
  "error",
] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

/** What each outcome means on the wire, for help texts and mismatch explanations. */
export const OUTCOME_MEANING: Record<ProbeOutcome, string> = {
  connected: "TCP handshake completed, a UDP reply arrived, or an HTTP response came back (any status)",
  refused: "the target answered no: TCP RST, or ICMP port-unreachable (iptables REJECT, nothing listening)",
  timeout: "nothing came back within timeoutMs: packets dropped (iptables DROP, a NetworkPolicy) or lost",
  "dns-error": "the name did not resolve (NXDOMAIN, resolver unreachable, or no answer within timeoutMs)",
  "no-route": "the kernel had no route or no neighbour for the target (ENETUNREACH, EHOSTUNREACH)",
  "in-use": "the address and port were already bound in that network namespace (EADDRINUSE): a Docker-only lab's server that could not listen, or a probe's own socket",
  found: "a file probe read the file, holding the expected text",
  missing: "a file probe found no such file (ENOENT)",
  error: "anything else, including a result line that is missing or unreadable, a file holding other text, an address outside `within`",
};

/** The outcomes that mean "the target is there": a connection, or a file read as written. */
export const REACHED_OUTCOMES: readonly ProbeOutcome[] = ["connected", "found"];

/** Probes running at once when neither the plan nor `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 32;

export interface ProbeSpec {
  /** Unique within the plan; the result line carries it back. */
  id: string;
  /**
   * An IPv4/IPv6 address or a DNS name (resolved with the system resolver, so search domains apply);
   * for a file probe, an absolute path.
   */
  to: string;
  /** 1..65535; 0 for a file probe. */
  port: number;
  protocol: ProbeProtocol;
  /** Bound of one attempt, name resolution included. */
  timeoutMs: number;
  /** Tries until the outcome is the expected one (connected, when no `expect` is given); at least 1. */
  attempts: number;
  /**
   * The outcome the plan's author expects. A probe that disagrees is tried again, up to `attempts`:
   * NetworkPolicy takes effect asynchronously, so a connection expected to be blocked may still pass
   * for a moment (upstream e2e re-polls every probe for up to 10 s for the same reason).
   */
  expect?: ProbeOutcome;
  /**
   * Network probes: an IPv4 CIDR the address dialled must lie in (a Service name must resolve to a
   * ClusterIP of the service subnet); an address outside it is an `error` naming both, not a connection.
   */
  within?: string;
  /** File probes: the text the file must hold (surrounding whitespace aside) to be `found`. */
  content?: string;
}

/**
 * A target known only inside the cluster: the `index`-th address (in address order) of a Service's
 * ready endpoints, looked up in the targets file the probe is given (`--targets`, written by
 * `probe resolve`, probe/resolve.ts).
 */
export interface ProbeEndpoint {
  /** "namespace/service". */
  service: string;
  index: number;
}

/** A probe of a plan file: a fixed address (`to`), or a Service endpoint (`endpoint`), resolved at start. */
export type PlanFileProbe = ProbeSpec | (Omit<ProbeSpec, "to"> & { endpoint: ProbeEndpoint });

/** What `--plan` reads: a ProbePlan whose probes may name endpoints instead of addresses. */
export interface ProbePlanFile extends Omit<ProbePlan, "probes"> {
  probes: PlanFileProbe[];
}

/** "namespace/service" → the addresses of its ready endpoints, sorted: the `--targets` file. */
export type EndpointTargets = Record<string, string[]>;

export interface ProbePlan {
  /** Probes running at once; @default DEFAULT_CONCURRENCY */
  concurrency?: number;
  /** Pause before each retry of a probe, so a changing datapath can settle; @default 0 */
  retryDelayMs?: number;
  probes: ProbeSpec[];
}

export interface ProbeResult {
  id: string;
  /**
   * As expected: the outcome is the probe's `expect` (connected when it names none). The probe's own
   * judgement against its plan; `cnilab verify` compares `outcome` with its own expectation instead.
   */
  ok: boolean;
  outcome: ProbeOutcome;
  /** Duration of the last attempt (the one whose outcome is reported), in whole milliseconds. */
  latencyMs: number;
  /** Attempts used; 0 when the result was reconstructed from a log that had no line for it. */
  attempts: number;
  /** Why, for error and dns-error; the HTTP status or the UDP reply for a connection. */
  detail?: string;
}

export interface ProbeSummary {
  summary: true;
  total: number;
  /** Results whose outcome is connected, whatever was expected. */
  connected: number;
  /** Results not as expected (ok false). */
  failed: number;
  durationMs: number;
}
