/**
 * A workshop stack's outputs, as plain values: what program.ts workshopProgram returns and what
 * `cnilab workshop up` reads back (kubeconfigs, assertions) to save per participant.
 */
import type { AssertionsOutput } from "../plan/outputs";

export interface WorkshopParticipantOutput {
  host: string;
  backend: string;
  clusterName: string;
  /** https://<address>:<port>: where their kubeconfig points. */
  apiServer: string;
  /** `kind get kubeconfig` of their cluster (the stack output is a secret). */
  kubeconfig: string;
  assertions: AssertionsOutput;
  /** Their browser terminal's link, token included (a secret, like the whole output). */
  terminal?: string;
}

export interface WorkshopOutputs {
  workshop: string;
  lab: string;
  /** Participant name → their cluster. */
  participants: Record<string, WorkshopParticipantOutput>;
  /** Host id → the registry cache containers running there. */
  caches: Record<string, string[]>;
}
