/**
 * `explain`: what a lab built, read back from the kernel — per node `ip route`, the overlay device
 * (`ip -d link`), its FDB and neighbour entries; the client pod's routes; kube-proxy's chains on n1.
 * Several backends print side by side, section by section, so the same place lines up.
 */
import type { BackendFacts } from "../backends/types";
import { runIn } from "./exec";
import { serviceChain } from "./service";
import type { LabTopology } from "./topology";

export interface Section {
  /** Same key across backends for the same place ("n1 ip route"), so columns line up. */
  key: string;
  lines: string[];
}

async function shown(netns: string, argv: string[]): Promise<string[]> {
  const r = await runIn(netns, argv);
  const text = (r.code === 0 ? r.stdout : r.stderr).trimEnd();
  return [`$ ${argv.join(" ")}`, ...(text === "" ? ["(nothing)"] : text.split("\n"))];
}

export async function gatherSections(facts: BackendFacts, topo: LabTopology): Promise<Section[]> {
  const device = facts.datapath.device;
  const about = [facts.title, `peer route: ${facts.datapath.peerRoute}`, ...(facts.datapath.onKind ? [`on kind: ${facts.datapath.onKind}`] : [])];
  const sections: Section[] = [{ key: "about", lines: about }];
  for (const node of topo.nodes) {
    sections.push({ key: `${node.name} route`, lines: [`[${node.name}]`, ...(await shown(node.netns, ["ip", "route"]))] });
    if (device === undefined) {
      // Same keys as a backend with a device, so side-by-side columns stay aligned.
      sections.push(
        { key: `${node.name} device`, lines: [`(no overlay device: ${facts.datapath.crossNode})`] },
        { key: `${node.name} fdb`, lines: [] },
        { key: `${node.name} neigh`, lines: [] },
      );
      continue;
    }
    sections.push(
      { key: `${node.name} device`, lines: await shown(node.netns, ["ip", "-d", "link", "show", "dev", device]) },
      { key: `${node.name} fdb`, lines: await shown(node.netns, ["bridge", "fdb", "show", "dev", device]) },
      { key: `${node.name} neigh`, lines: await shown(node.netns, ["ip", "neigh", "show", "dev", device]) },
    );
  }
  const client = topo.nodes[0]!.pods[0]!;
  sections.push({ key: "pod route", lines: [`[${client.name}]`, ...(await shown(client.netns, ["ip", "route"]))] });
  sections.push({
    key: "kube-proxy",
    lines: [`[${topo.nodes[0]!.name}]`, ...(await shown(topo.nodes[0]!.netns, ["iptables", "-w", "-t", "nat", "-S", serviceChain()]))],
  });
  return sections;
}

function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  for (let i = 0; i < line.length; i += width - 2) out.push((i === 0 ? "" : "  ") + line.slice(i, i + width - 2));
  return out;
}

/** Columns of sections, aligned by key; a key one backend lacks leaves its cell empty. */
export function sideBySide(columns: { title: string; sections: Section[] }[], totalWidth = 200): string {
  if (columns.length === 1) {
    const only = columns[0]!;
    return [`== ${only.title}`, ...only.sections.flatMap((s) => [...s.lines, ""])].join("\n");
  }
  const width = Math.max(30, Math.floor((totalWidth - 3 * (columns.length - 1)) / columns.length));
  const keys: string[] = [];
  for (const c of columns) for (const s of c.sections) if (!keys.includes(s.key)) keys.push(s.key);
  const rows: string[] = [columns.map((c) => `== ${c.title}`.slice(0, width).padEnd(width)).join(" │ ").trimEnd()];
  for (const key of keys) {
    const cells = columns.map((c) => (c.sections.find((s) => s.key === key)?.lines ?? []).flatMap((l) => wrap(l, width)));
    const height = Math.max(...cells.map((c) => c.length));
    if (height === 0) continue;
    for (let i = 0; i < height; i++) rows.push(cells.map((c) => (c[i] ?? "").padEnd(width)).join(" │ ").trimEnd());
    rows.push(columns.map(() => "".padEnd(width)).join(" │ ").trimEnd());
  }
  return rows.join("\n");
}
