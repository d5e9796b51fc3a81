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

/** One place explain shows: its section key, a header line, and what to read there (or fixed lines). */
export type Place =
  | { key: string; lines: string[] }
  | { key: string; header: string; netns: string; what: "route" | "device" | "fdb" | "neigh" | "forwarder" | "kube-proxy"; device?: string; port?: number };

/**
 * Every place, in order, for a lab and backend: the same keys whether the kernel (gatherSections) or
 * the plan (explain-plan.ts) fills them, so columns of several backends line up.
 */
export function explainPlaces(facts: BackendFacts, topo: LabTopology): Place[] {
  const device = facts.datapath.device;
  const about = [facts.title, `peer route: ${facts.datapath.peerRoute}`, ...(facts.datapath.onKind ? [`on kind: ${facts.datapath.onKind}`] : [])];
  const places: Place[] = [{ key: "about", lines: about }];
  for (const node of topo.nodes) {
    places.push({ key: `${node.name} route`, header: `[${node.name}]`, netns: node.netns, what: "route" });
    if (device === undefined) {
      // Same keys as a backend with a device, so side-by-side columns stay aligned.
      places.push(
        { key: `${node.name} device`, lines: [`(no overlay device: ${facts.datapath.crossNode})`] },
        { key: `${node.name} fdb`, lines: [] },
        { key: `${node.name} neigh`, lines: [] },
      );
      continue;
    }
    const udp = facts.datapath.udp;
    if (udp !== undefined) {
      // A TUN device has no FDB or neighbours: the forwarder in user space picks the peer node.
      places.push(
        { key: `${node.name} device`, header: "", netns: node.netns, what: "device", device },
        { key: `${node.name} forwarder`, header: "", netns: node.netns, what: "forwarder", port: udp.port },
      );
      continue;
    }
    for (const what of ["device", "fdb", "neigh"] as const) places.push({ key: `${node.name} ${what}`, header: "", netns: node.netns, what, device });
  }
  const first = topo.nodes[0]!;
  const client = first.pods[0]!;
  places.push({ key: "pod route", header: `[${client.name}]`, netns: client.netns, what: "route" });
  places.push({ key: "kube-proxy", header: `[${first.name}]`, netns: first.netns, what: "kube-proxy" });
  return places;
}

/** What the kernel says at each place. */
function kernelArgv(place: Extract<Place, { what: string }>): string[] {
  const dev = place.device ?? "";
  switch (place.what) {
    case "route":
      return ["ip", "route"];
    case "device":
      return ["ip", "-d", "link", "show", "dev", dev];
    case "fdb":
      return ["bridge", "fdb", "show", "dev", dev];
    case "neigh":
      return ["ip", "neigh", "show", "dev", dev];
    case "forwarder":
      // The forwarder's UDP socket and the process that holds it.
      return ["ss", "-ulpn", "sport", "=", `:${place.port ?? 0}`];
    case "kube-proxy":
      return ["iptables", "-w", "-t", "nat", "-S", serviceChain()];
  }
}

export async function gatherSections(facts: BackendFacts, topo: LabTopology): Promise<Section[]> {
  const sections: Section[] = [];
  for (const place of explainPlaces(facts, topo)) {
    if ("lines" in place) sections.push(place);
    else sections.push({ key: place.key, lines: [...(place.header ? [place.header] : []), ...(await shown(place.netns, kernelArgv(place)))] });
  }
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
