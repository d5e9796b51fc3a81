/** The terminal and JSON forms of a PodExplanation. Pure. */
import type { InterfaceView, PodExplanation } from "./explain";

function iface(i: InterfaceView, extra: string[]): string {
  return [i.name, i.kind + (i.mode ? ` ${i.mode}` : ""), `ifindex ${i.index}`, `MTU ${i.mtu}`, ...(i.addresses.length > 0 ? [i.addresses.join(" ")] : []), ...(i.mac ? [`mac ${i.mac}`] : []), ...extra].join("  ");
}

export function renderPodExplanation(x: PodExplanation): string {
  const p = x.pod;
  const s = x.sandbox;
  const lines = [
    `Pod ${p.namespace}/${p.name}  on node ${x.node}  IP ${p.ip ?? s.ip ?? "(none)"}  containers: ${p.containers.join(", ") || "(none)"}`,
    "",
    "sandbox (the pause container), from crictl on the node",
    `  id       ${s.id}`,
    ...(s.image ? [`  image    ${s.image}`] : []),
    ...(s.pid ? [`  pid      ${s.pid}${s.processStatus ? ` (${s.processStatus})` : ""}`] : []),
    `  netns    ${s.netnsPath ?? "(no path; entered by pid)"}`,
    "",
    `pod network namespace (${x.entered})`,
  ];
  if (x.podInterface) {
    const i = x.podInterface;
    const role = x.attachment === "veth" ? "peer" : "parent";
    lines.push(`  ${iface(i, x.nodeInterface && x.attachment !== "other" ? [`${role}: ifindex ${x.nodeInterface.index} on the node`] : [])}`);
  }
  for (const r of x.podRoutes) lines.push(`  route    ${r}`);
  lines.push("", `node ${x.node}`);
  if (x.nodeInterface) {
    const n = x.nodeInterface;
    const role = x.attachment === "veth" ? [n.master ? `port of bridge ${n.master}` : "no bridge"] : ["parent device"];
    lines.push(`  ${iface(n, role)}`);
  }
  for (const r of x.nodeRoutes) lines.push(`  route    ${r}`);
  if (x.nodeRoutes.length === 0) lines.push("  route    (none covers the pod IP)");
  lines.push("", "in words", ...x.story.map((l) => `  ${l}`));
  for (const problem of x.problems) lines.push(`problem  ${problem}`);
  return lines.join("\n") + "\n";
}

export const podExplanationJson = (x: PodExplanation): string => `${JSON.stringify(x, null, 2)}\n`;
