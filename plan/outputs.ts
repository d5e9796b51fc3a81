/**
 * A cluster lab's stack outputs, as plain values: what program.ts labProgram returns (each field an
 * Output of these, which the compiler holds it to) and what the CLI reads back from the stack. They
 * live with the plan that produces them, so the CLI never imports a component for a type.
 */
import type { ResolvedProbe } from "../assertions";
import type { SkippedProbe } from "../verdict/types";

/** One assertion Job: the source identity it runs as, and where it is. */
export interface AssertionJob {
  client: string;
  namespace: string;
  name: string;
}

/** What `verify` reads back: every probe with its address and expectation, and where its Job is. */
export interface AssertionsOutput {
  probes: ResolvedProbe[];
  skipped: SkippedProbe[];
  jobs: AssertionJob[];
}

export interface ClusterLabOutputs {
  backend: string;
  clusterName: string;
  /** `kind get kubeconfig` of the cluster: a secret output. */
  kubeconfig: string;
  /** Every node container with its role and its address on the lab's Docker network, sorted by name. */
  nodes: { name: string; role: string; internalIP: string }[];
  /** The rendered kind config the cluster was made from. */
  kindConfig: string;
  assertions: AssertionsOutput;
}
