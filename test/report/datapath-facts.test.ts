/**
 * The report's pod MTU row against a node's observation. The expected numbers are flannel's own
 * (flannel-io/flannel v0.28.9: FLANNEL_MTU = the external interface's MTU − 50 for the vxlan
 * backend, DirectRouting or not), not taken from the code under test.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backends";
import type { ObservedFacts } from "../../perf/facts";
import { stackFacts } from "../../report/datapath-facts";
import type { StackResults } from "../../report/results-store";

function observedPodMtu(backend: Backend, podMtu: number): Record<string, string> {
  const facts: ObservedFacts = { backend, node: `cnilab-${backend}-worker`, podMtu, nodeMtu: 1500, routes: [], devices: [], podInterfaces: 1 };
  const results: StackResults = { stack: backend, facts, files: {}, unreadable: {} };
  return Object.fromEntries(stackFacts(results, backend).map((r) => [r.label, r.values[0]!]));
}

describe("pod MTU: expected against observed", () => {
  it("flannel vxlan with DirectRouting: pods get the vxlan MTU, 1450 on a 1500 underlay, and that is no difference", () => {
    const rows = observedPodMtu("flannel-vxlan-directrouting", 1450);
    expect(rows["pod MTU expected"]).toBe("1450 (underlay 1500 − 50)");
    expect(rows["pod MTU observed"]).toBe("1450 ✓");
  });

  it("a pod at the underlay's 1500 on that backend is flagged", () => {
    expect(observedPodMtu("flannel-vxlan-directrouting", 1500)["pod MTU observed"]).toBe("1500 ✗ differs");
  });

  it("host-gw keeps the underlay's MTU", () => {
    expect(observedPodMtu("flannel-host-gw", 1500)["pod MTU observed"]).toBe("1500 ✓");
  });
});
