/** The printed plan is a list of titled sections; `V` is what they read (a kind-cluster plan by default). */
import type { Spec } from "../../labs";
import type { LabPlan } from "../../plan";
import type { StackRef } from "../stack-arg";

/** What the sections of a kind-cluster plan read. */
export interface PlanView {
  ref: StackRef;
  spec: Spec;
  plan: LabPlan;
}

/** A titled part of the printed plan; `V` is what it reads (a kind-cluster plan by default). */
export interface PlanSection<V = PlanView> {
  title: string;
  lines(view: V): string[];
}

export function renderSections<V>(view: V, sections: readonly PlanSection<V>[]): string {
  return sections.map((s) => [`${s.title}:`, ...s.lines(view)].join("\n")).join("\n\n") + "\n";
}
