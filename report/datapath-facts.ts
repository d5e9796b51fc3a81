/**
 * One stack's datapath facts for the report: what BACKEND_FACTS says (expected) next to what a node
 * showed (facts.json, observed), so a wrong MTU or a missing route stands out. Pure.
 */
import { BACKEND_FACTS } from "../backends";
import { KIND_UNDERLAY_MTU, podMtu } from "../backends/mtu";
import type { Backend } from "../backends/types";
import type { ObservedDevice } from "../perf/facts";
import type { FactRow } from "./model";
import type { StackResults } from "./results-store";

function device(d: ObservedDevice): string {
  const extra = [d.kind, d.vxlan ? `VNI ${d.vxlan.id}, UDP ${d.vxlan.port}` : "", `MTU ${d.mtu}`, d.master ? `in ${d.master}` : ""].filter(Boolean);
  return `${d.name} (${extra.join(", ")})`;
}

export function stackFacts(r: StackResults, backend: Backend | undefined): FactRow[] {
  const row = (label: string, value: string): FactRow => ({ label, values: [value] });
  if (!backend) return [row("backend", "unknown (no saved result names it)")];
  const f = BACKEND_FACTS[backend];
  const dp = f.datapath;
  const e = f.enforcement;
  const observed = r.facts;
  const underlay = observed?.nodeMtu ?? r.perf?.settings.underlayMtu ?? KIND_UNDERLAY_MTU;
  const mtu = podMtu(dp, underlay);
  const enforced = [e.ingress && "ingress", e.egress && "egress", e.ipBlock && "ipBlock"].filter(Boolean).join(", ");
  const rows: FactRow[] = [
    row("backend", `${f.title} (${backend})`),
    row("NetworkPolicy enforced", enforced === "" ? `no — ${e.why}` : `${enforced} — ${e.why}`),
    row("encapsulation", dp.encapsulation + (dp.vxlan ? ` (VNI ${dp.vxlan.vni}, UDP ${dp.vxlan.port})` : "") + (dp.udp ? ` (UDP ${dp.udp.port}, in user space)` : "")),
    row("overhead per packet", `${dp.overheadBytes} B`),
    row("cross-node path", dp.crossNode),
    row("pod attachment", dp.podAttachment),
    row("pod MTU expected", `${mtu} (underlay ${underlay} − ${underlay - mtu})`),
    row("pod MTU observed", observed?.podMtu !== undefined ? String(observed.podMtu) + (observed.podMtu === mtu ? " ✓" : " ✗ differs") : "–"),
    row("overlay device expected", dp.device ?? "none"),
    row("devices observed", observed ? observed.devices.filter((d) => d.name !== "eth0").map(device).join("; ") + ` (+${observed.podInterfaces} pod veths)` : "–"),
    row("peer route expected", dp.peerRoute),
    row("routes observed", observed ? `${observed.node}: ${observed.routes.filter((l) => !l.startsWith("default")).join(" | ")}` : "–"),
    row("on kind", dp.onKind ?? "–"),
    row("limitations", f.limitations.length === 0 ? "none" : f.limitations.map((l) => `${l.id}: ${l.why}`).join("; ")),
  ];
  return rows;
}
