/**
 * `explain` for a lab that is not up: the same sections as explain.ts, each made of the plan's own
 * commands for that place (what `datapath up` would program) instead of what the kernel reports.
 * Pure: the plan is data. What the kernel adds by itself (the connected route of every address,
 * the device's defaults) is not in the plan, and the first section says so.
 */
import type { BackendFacts } from "../backends/types";
import type { DatapathLabPlan } from "./plan";
import { serviceChain } from "./service";
import type { Step } from "./step";
import { explainPlaces, type Place, type Section } from "./explain";

/** The first line of a planned explanation: it is the plan, and how to see the kernel's view instead. */
export function plannedNote(backend: string): string {
  return `not up: explained from the plan — the commands 'cnilab datapath up ${backend}' runs (routes the kernel adds by itself, such as each address's own subnet, are not listed; bring the lab up and explain again to read the kernel)`;
}

const shown = (steps: readonly Step[]): string[] => (steps.length === 0 ? ["(nothing)"] : steps.map((s) => `+ ${s.argv.join(" ")}`));

/** The plan's commands for a place: what `datapath up` runs there. */
function plannedSteps(plan: DatapathLabPlan, place: Extract<Place, { what: string }>): Step[] {
  const inNs = (pick: (argv: readonly string[]) => boolean) => plan.steps.filter((s) => s.netns === place.netns && pick(s.argv));
  const device = place.device ?? "";
  switch (place.what) {
    case "route":
      return inNs((a) => a[0] === "ip" && a[1] === "route");
    case "device":
      return inNs((a) => a[0] === "ip" && (a[1] === "link" || a[1] === "addr" || a[1] === "tuntap") && a.includes(device));
    case "fdb":
      return inNs((a) => a[0] === "bridge" && a[1] === "fdb");
    case "neigh":
      return inNs((a) => a[0] === "ip" && a[1] === "neigh");
    case "forwarder":
      // What `up` starts there once every command ran.
      return plan.daemons.filter((d) => d.netns === place.netns).map((d) => ({ phase: "backend", netns: d.netns, argv: [d.program, ...d.args] }));
    case "kube-proxy": {
      // The rules of the Service's chain, as `iptables -t nat -S <chain>` lists them on a lab that is up.
      const chain = serviceChain();
      return inNs((a) => a[0] === "iptables" && a.includes("-A") && a[a.indexOf("-A") + 1] === chain);
    }
  }
}

export function plannedSections(facts: BackendFacts, plan: DatapathLabPlan): Section[] {
  return explainPlaces(facts, plan.topology).map((place) => {
    if ("lines" in place) return place.key === "about" ? { key: place.key, lines: [...place.lines, plannedNote(facts.name)] } : place;
    return { key: place.key, lines: [...(place.header ? [place.header] : []), ...shown(plannedSteps(plan, place))] };
  });
}
