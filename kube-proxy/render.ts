/** The terminal and JSON forms of a ServiceExplanation. Pure. */
import { columns } from "../text/columns";
import { describeBackends, type ServiceBackend, type PortExplanation, type ServiceExplanation } from "./explanation";

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;


function endpointText(b: ServiceBackend): string {
  const e = b.endpoint;
  if (!e) return "(not in any EndpointSlice)";
  return [e.pod ?? "(no pod)", e.node ? `on ${e.node}` : "", e.ready ? "ready" : "not ready"].filter((s) => s !== "").join(" ");
}

function renderPort(p: PortExplanation): string[] {
  const port = p.port;
  const head = `port ${port.port || "(unnamed)"} ${port.number}/${port.protocol} → target port ${port.targetPort}${port.nodePort ? `, node port ${port.nodePort}` : ""}`;
  const lines = [head, `  ${describeBackends(p)}`];
  for (const f of p.frontends) lines.push(`  enters   ${f.kind} ${f.address}: ${f.via}`);
  if (p.frontends.length === 0 && p.refused.length === 0) lines.push("  enters   nowhere: no rule catches this port's cluster IP");
  for (const r of p.refused) lines.push(`  refused  ${r}`);
  if (p.dispatch) lines.push(`  picks    ${p.dispatch}`);
  if (p.backends.length > 0) {
    const rows = [["share", "pick", "via", "to", "endpoint"], ...p.backends.map((b) => [percent(b.share), b.pick, b.via, b.target, endpointText(b)])];
    lines.push(...columns(rows, "").map((l) => `    ${l}`));
  }
  for (const n of p.notes) lines.push(`  note     ${n}`);
  for (const x of p.problems) lines.push(`  problem  ${x}`);
  return lines;
}

export function renderExplanation(x: ServiceExplanation): string {
  const s = x.service;
  const lines = [
    `Service ${s.namespace}/${s.name}  ${s.type}  cluster IP ${s.clusterIP}${s.sessionAffinity === "ClientIP" ? "  sessionAffinity ClientIP" : ""}`,
    `kube-proxy mode ${x.mode}, rules read on node ${x.node} (${x.source})`,
    ...(x.missing ? [`problem  ${x.missing}`] : []),
  ];
  for (const p of x.ports) lines.push("", ...renderPort(p));
  return lines.join("\n") + "\n";
}

/** JSON: the explanation with the endpoints map as an object keyed by port name. */
export function explanationJson(x: ServiceExplanation): string {
  const service = { ...x.service, endpoints: Object.fromEntries(x.service.endpoints) };
  return `${JSON.stringify({ ...x, service }, null, 2)}\n`;
}

/** True when a port has a problem: the command's exit code follows it. */
export const hasProblems = (x: ServiceExplanation) => x.missing !== undefined || x.ports.some((p) => p.problems.length > 0);
