/**
 * The phases of an e2e run and how long each took. `up` is one Pulumi update; its sub-phases come
 * from the engine events it already streams: every resource's URN carries the types of its parent
 * components (`cnilab:lab:Lab$cnilab:cni:Cni$kubernetes:batch/v1:Job`; the root Stack is left out,
 * pulumi/pulumi sdk/nodejs/resource.ts createUrn), so a resource belongs to the component that
 * registered it. A phase ends when its last resource is done; the components run in this order
 * because each waits for the one before (components/lab.ts).
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

export const E2E_PHASES = ["doctor", "cluster", "cni", "workloads", "assertions", "verify", "down"] as const;
export type E2ePhase = (typeof E2E_PHASES)[number];
/** The phases inside `pulumi up`, in the order they finish. */
export const UP_PHASES = ["cluster", "cni", "workloads", "assertions"] as const satisfies readonly E2ePhase[];
export type UpPhase = (typeof UP_PHASES)[number];

/** What ends each phase, for the help text and the summary. */
export const PHASE_MILESTONES: Readonly<Record<E2ePhase, string>> = {
  doctor: "the prerequisites of the stack's backend checked",
  cluster: "the kind cluster and its Docker network created",
  cni: "the CNI installed and its readiness Job complete",
  workloads: "the lab's namespaces, workloads and NetworkPolicies ready",
  assertions: "the health servers up and every assertion Job complete (up done)",
  verify: "expected against observed for every probe",
  down: "the lab removed",
};

/** The component whose resources make up each phase of `up`. */
const COMPONENT_PHASE: Readonly<Record<string, UpPhase>> = {
  "cnilab:cluster:KindCluster": "cluster",
  "cnilab:cni:Cni": "cni",
  "cnilab:workloads:Workloads": "workloads",
  // NetworkPolicies apply at once; they are part of the lab's setup before the probes.
  "cnilab:policy:Policies": "workloads",
  "cnilab:assertions:Assertions": "assertions",
};

export type PhaseStatus = "pass" | "fail" | "not-run" | "skipped";

export interface PhaseResult {
  phase: E2ePhase;
  status: PhaseStatus;
  /** Wall-clock seconds, one decimal; absent for phases that did not run. */
  seconds?: number;
  /** Why it failed or did not run. */
  note?: string;
}

/** The phase of `up` a resource belongs to, from the parent types in its URN; undefined for the lab's own bookkeeping. */
export function upPhaseOf(urn: string): UpPhase | undefined {
  const qualifiedType = urn.split("::")[2] ?? "";
  const types = qualifiedType.split("$");
  // The innermost component decides: a component nested in another belongs to its own phase.
  for (let i = types.length - 2; i >= 0; i--) {
    const phase = COMPONENT_PHASE[types[i]!];
    if (phase) return phase;
  }
  return undefined;
}

const counted = (meta: StepEventMetadata) => (meta.new?.custom ?? meta.old?.custom ?? false) && !meta.type.startsWith("pulumi:providers:");

/** Listens to one `pulumi up` and tells how long each of its phases took. */
export class UpPhaseClock {
  private readonly started: number;
  private readonly lastDone = new Map<UpPhase, number>();
  private failedPhase: UpPhase | undefined;

  constructor(private readonly now: () => number) {
    this.started = now();
  }

  /** Feed for the Automation API's `onEvent`. */
  readonly onEvent = (event: EngineEvent): void => {
    const done = event.resOutputsEvent;
    if (done && !done.planning && counted(done.metadata)) {
      const phase = upPhaseOf(done.metadata.urn);
      if (phase) this.lastDone.set(phase, this.now());
    }
    const failed = event.resOpFailedEvent;
    if (failed && this.failedPhase === undefined) this.failedPhase = upPhaseOf(failed.metadata.urn);
  };

  /**
   * The sub-phases once `up` ended. Each lasts from the end of the one before to its own last
   * resource (a phase with none ends where the one before did). On a failure the phase of the
   * resource that failed fails — or, when no resource failed (the program itself threw), the first
   * phase that finished nothing — the phases before it passed and the ones after did not run.
   */
  results(ok: boolean, failure?: string): PhaseResult[] {
    const ended = this.now();
    const failedAt = ok ? UP_PHASES.length : UP_PHASES.indexOf(this.failedPhase ?? this.firstUnfinished());
    let previous = this.started;
    return UP_PHASES.map((phase, i) => {
      if (i > failedAt) return { phase, status: "not-run" };
      const last = i === UP_PHASES.length - 1 || i === failedAt ? ended : Math.max(previous, this.lastDone.get(phase) ?? previous);
      const seconds = round(last - previous);
      previous = last;
      return i === failedAt ? { phase, status: "fail", seconds, ...(failure ? { note: failure } : {}) } : { phase, status: "pass", seconds };
    });
  }

  private firstUnfinished(): UpPhase {
    return UP_PHASES.find((p) => !this.lastDone.has(p)) ?? "assertions";
  }
}

/** Milliseconds to seconds with one decimal. */
export function round(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** Times one phase that is a single step (doctor, verify, down). */
export async function timed(now: () => number, phase: E2ePhase, step: () => Promise<{ ok: boolean; note?: string }>): Promise<PhaseResult> {
  const start = now();
  const { ok, note } = await step();
  return { phase, status: ok ? "pass" : "fail", seconds: round(now() - start), ...(note ? { note } : {}) };
}
