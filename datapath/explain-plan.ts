/**
 * `explain` for a lab that is not up: the same sections as explain.ts, each made of the plan's own
 * commands for that place (what `datapath up` would program) instead of what the kernel reports.
 * Pure: the plan is data. What the kernel adds by itself (the connected route of every address,
 * the device's defaults) is not in the plan, and the first section says so.
 */
import type { BackendFacts } from "../backends/types";
import type { LabPlan } from "./plan";
import { serviceChain } from "./service";
import type { Step } from "./step";
import type { Section } from "./explain";

/** The first line of a planned explanation: it is the plan, and how to see the kernel's view instead. */
export function plannedNote(backend: string): string {
  return `not up: explained from the plan — the commands 'cnilab datapath up ${backend}' runs (routes the kernel adds by itself, such as each address's own subnet, are not listed; bring the lab up and explain again to read the kernel)`;
}

const shown = (steps: readonly Step[]): string[] => (steps.length === 0 ? ["(nothing)"] : steps.map((s) => `+ ${s.argv.join(" ")}`));

export function plannedSections(facts: BackendFacts, plan: LabPlan): Section[] {
  const device = facts.datapath.device;
  const inNs = (netns: string, pick: (argv: readonly string[]) => boolean) => plan.steps.filter((s) => s.netns === netns && pick(s.argv));
  const isRoute = (a: readonly string[]) => a[0] === "ip" && a[1] === "route";
  const about = [
    facts.title,
    `peer route: ${facts.datapath.peerRoute}`,
    ...(facts.datapath.onKind ? [`on kind: ${facts.datapath.onKind}`] : []),
    plannedNote(facts.name),
  ];
  const sections: Section[] = [{ key: "about", lines: about }];
  for (const node of plan.topology.nodes) {
    sections.push({ key: `${node.name} route`, lines: [`[${node.name}]`, ...shown(inNs(node.netns, isRoute))] });
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
      { key: `${node.name} device`, lines: shown(inNs(node.netns, (a) => a[0] === "ip" && (a[1] === "link" || a[1] === "addr") && a.includes(device))) },
      { key: `${node.name} fdb`, lines: shown(inNs(node.netns, (a) => a[0] === "bridge" && a[1] === "fdb")) },
      { key: `${node.name} neigh`, lines: shown(inNs(node.netns, (a) => a[0] === "ip" && a[1] === "neigh")) },
    );
  }
  const first = plan.topology.nodes[0]!;
  const client = first.pods[0]!;
  sections.push({ key: "pod route", lines: [`[${client.name}]`, ...shown(inNs(client.netns, isRoute))] });
  const chain = serviceChain();
  // The rules of the Service's chain, as `iptables -t nat -S <chain>` lists them on a lab that is up.
  const rules = inNs(first.netns, (a) => a[0] === "iptables" && a.includes("-A") && a[a.indexOf("-A") + 1] === chain);
  sections.push({ key: "kube-proxy", lines: [`[${first.name}]`, ...shown(rules)] });
  return sections;
}
