import type { PlannedNode } from "../backends";
import type { CheckKind } from "../labs";
import type { SkippedProbe } from "../verdict/types";
import type { AssertedProbe, ProbeClient } from "./types";

/** What every check (assertions/checks.ts, storage-checks.ts) plans alike: where its pods run and who they are. */

/** Checks run in the default namespace: it always exists and no lab policy needs to know about them. */
export const CHECK_NAMESPACE = "default";

/** What one check adds to the assertion plan. */
export interface CheckPart {
  clients: ProbeClient[];
  probes: AssertedProbe[];
  skipped: SkippedProbe[];
}

/** The nodes checks pin their pods to: A is the first worker (the control plane when there is none), B the second. */
export interface CheckNodes {
  a: string;
  b?: string;
}

export function checkNodes(nodes: readonly PlannedNode[]): CheckNodes {
  const workers = nodes.filter((n) => n.role === "worker");
  const b = workers[1]?.name;
  return { a: (workers[0] ?? nodes[0]!).name, ...(b ? { b } : {}) };
}

/** A check's source identity, labelled `app: <name>` like the health client, on one node. */
export function checkClient(name: string, node: string, pod?: ProbeClient["pod"]): ProbeClient {
  return { name, namespace: CHECK_NAMESPACE, labels: { app: name }, node, ...(pod ? { pod } : {}) };
}

export const checkBasis = (check: CheckKind): AssertedProbe["basis"] => ({ kind: "check", check });
