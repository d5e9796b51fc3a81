/**
 * The one language every lab speaks about reachability: a probe (from a source to a target on a
 * port), the outcome the lab's facts expect and why, the outcome observed, and the verdict. Cluster
 * labs, Docker-only labs and namespace (datapath) labs supply only their probes; judging, counting
 * and rendering happen here (verdict/judge.ts, verdict/render.ts, verdict/junit.ts).
 *
 * The field names are those of the saved verify report (.cnilab/results/<stack>/verify.json), so
 * results recorded before this module existed still load.
 */
import type { ProbeEndpoint, ProbeOutcome, ProbeProtocol } from "../probe/types";

/** A connection a lab tries, with the outcome its facts predict. */
export interface PlannedProbe {
  /** Unique within the lab; the probe program's result line carries it back. */
  id: string;
  /** What the probe is about: a policy scenario, "health", or a kind of path ("cross-subnet", "pod-service"). One truth table and one JUnit suite per group. */
  group: string;
  /** The source identity whose probe program runs the probe (a client pod or container, a namespace pod). */
  client: string;
  /** The address the probe dials, for an endpoint "namespace/service#index", for a file probe its path. */
  to: string;
  /** What is at the target, for people ("default/nginx", "host", "ClusterIP"). */
  toLabel: string;
  port: number;
  protocol: ProbeProtocol;
  /** The outcome the facts predict; the probe program retries until it sees this one. */
  expect: ProbeOutcome;
  /**
   * Further outcomes the facts accept as well (a bridge host answers "connected" or "refused" depending
   * on whether something listens there); absent when only `expect` matches.
   */
  accept?: readonly ProbeOutcome[];
  /** The networking reason for the expectation: the engine's verdict, a limitation, a driver fact. */
  why: string;
  /** A target known only inside the cluster: resolved by the probe from its targets file. */
  endpoint?: ProbeEndpoint;
  /** Network probes: the CIDR the dialled address must lie in (probe/types.ts ProbeSpec.within). */
  within?: string;
  /** File probes: the text the file must hold (probe/types.ts ProbeSpec.content). */
  content?: string;
}

/** A probe the lab cannot run here, and why (a requirement this stack lacks). */
export interface SkippedProbe {
  id: string;
  group: string;
  reason: string;
}

/** pass: observed what the facts predict; mismatch: observed something else; error: nothing readable was observed. */
export type Status = "pass" | "mismatch" | "error" | "skipped";
export const STATUSES = ["pass", "mismatch", "error", "skipped"] as const satisfies readonly Status[];

/** One probe judged: what was expected and why, what was seen, and the verdict. Skipped probes are rows too. */
export interface ProbeRow extends Pick<PlannedProbe, "id" | "group" | "client" | "to" | "toLabel" | "port" | "expect" | "accept"> {
  /** Empty for a skipped probe. */
  protocol: string;
  observed: ProbeOutcome | "skipped";
  /** Attempts the probe used; 0 when its result was not read (error) or it did not run (skipped). */
  attempts: number;
  latencyMs: number;
  status: Status;
  /** Why the expectation is what it is; for a skipped probe, why it did not run. */
  why: string;
  /** For a mismatch or an error: what the observation means and where to look. */
  explanation?: string;
  /** The probe's own detail: the error, the HTTP status, the UDP reply. */
  detail?: string;
}

/** Every row of a lab's probes and the count of each verdict. */
export interface Verdicts {
  probes: ProbeRow[];
  counts: Record<Status, number>;
}
