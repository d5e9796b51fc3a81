/**
 * A Docker-only lab's stack outputs, as plain values: what components/docker dockerLabProgram
 * returns (each field an Output of these) and what the CLI reads back from the stack.
 */
import type { ParentPlan } from "./parent";
import type { DockerLabReport } from "./report";

export interface DockerLabOutputs {
  lab: string;
  driver: string;
  /** Where macvlan/ipvlan containers hang off; `note` says whether lab traffic can reach the uplink. */
  parent: ParentPlan;
  /** The Docker networks' names, in creation order. */
  networks: string[];
  containers: string[];
  /** Every probe with its expectation, its observed result and whether they agree (docker/report.ts). */
  results: DockerLabReport;
}
