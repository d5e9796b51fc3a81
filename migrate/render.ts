/** The dry run's text: every step of a migration plan, numbered, with what it removes and why. */
import type { MigrationPlan } from "./plan";
import { describeResource } from "./resources";

/** The dry run: every step, numbered, with what it removes and why. */
export function renderMigrationPlan(plan: MigrationPlan): string {
  const lines = [
    `Migration of stack ${plan.stack}: ${plan.from} → ${plan.to} (${plan.route === "flannel-backend" ? "same CNI, another backend" : "one CNI removed, another installed"})`,
    `Cluster ${plan.cluster} is kept: ${plan.clusterResources.map(describeResource).join(", ")} are in the stack before and after, with the same kind config.`,
    "",
  ];
  plan.steps.forEach((step, i) => {
    lines.push(`${i + 1}. [${step.kind}] ${step.does}`);
    if (step.kind === "update" && step.added.length > 0) lines.push(`   adds: ${step.added.map(describeResource).join(", ")}`);
    if (step.kind === "update" && step.replace.length > 0) lines.push(`   replaces (runs again): ${step.replace.map(describeResource).join(", ")}`);
    for (const r of step.removes) lines.push(`   removes: ${r}`);
    lines.push(`   why: ${step.why}`);
  });
  return `${lines.join("\n")}\n`;
}
