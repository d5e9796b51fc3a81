/** How a workshop's participants are shown by `cnilab plan workshop-<name>` and `cnilab workshop plan`. */
import type { WorkshopPlan } from "../../workshop/plan";

/** Columns padded to their widest cell, two spaces apart. */
export function alignRows(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
}

/**
 * One line per participant: host, backend, cluster, node network, API server, and their terminal's
 * address when the workshop has terminals (the token, drawn at up, is in their handout, not here).
 */
export function participantRows(plan: WorkshopPlan): string[] {
  const terminals = plan.participants.some((p) => p.terminal);
  return alignRows([
    ["participant", "host", "backend", "cluster", "node network", "API server", ...(terminals ? ["terminal"] : [])],
    ...plan.participants.map((p) => [
      p.name,
      p.host.id,
      p.backend,
      p.clusterName,
      p.nodeSubnet,
      `https://${p.apiServer.address}:${p.apiServer.port}`,
      ...(terminals ? [p.terminal ? `${p.terminal.address}<token>/` : "—"] : []),
    ]),
  ]);
}
