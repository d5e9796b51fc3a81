/**
 * `cnilab datapath explain` on a lab that is not up: the plan's commands per place, said to be the
 * plan. The expected commands are upstream facts (flannel's VXLAN device: VNI 1, UDP 8472; a host-gw
 * peer route is a plain route via the peer node), not read back from the planner.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { BACKEND_FACTS } from "../../backends";
import { main } from "../../cli/main";
import { plannedSections } from "../../datapath/explain-plan";
import { planDatapathLab } from "../../datapath/plan";
import { captureIo } from "../cli/io";

// No lab is up, whatever other tests (or people) run on this machine at the same moment.
vi.mock("../../datapath/lab", async (original) => ({ ...(await original<object>()), listLabNamespaces: async () => [] }));

describe("datapath explain from the plan", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a backend with an overlay device and one without give the same places, in the same order (columns line up)", () => {
    const keys = (name: "flannel-vxlan" | "flannel-host-gw") => plannedSections(BACKEND_FACTS[name], planDatapathLab(BACKEND_FACTS[name])).map((s) => s.key);
    const nodePlaces = (n: string) => [`${n} route`, `${n} device`, `${n} fdb`, `${n} neigh`];
    expect(keys("flannel-vxlan")).toEqual(["about", ...nodePlaces("n1"), ...nodePlaces("n2"), "pod route", "kube-proxy"]);
    expect(keys("flannel-host-gw")).toEqual(keys("flannel-vxlan"));
  });

  it("a vxlan node's section holds its VTEP, its peer's FDB and neighbour entries and the onlink route", () => {
    const plan = planDatapathLab(BACKEND_FACTS["flannel-vxlan"]);
    const byKey = new Map(plannedSections(BACKEND_FACTS["flannel-vxlan"], plan).map((s) => [s.key, s.lines.join("\n")]));
    const [n1, n2] = plan.topology.nodes;
    expect(byKey.get("n1 device")).toMatch(/^\+ ip link add flannel\.1 .*type vxlan id 1 .*dstport 8472 nolearning$/m);
    expect(byKey.get("n1 fdb")).toContain(`dev flannel.1 dst ${n2!.address} self permanent`);
    expect(byKey.get("n1 neigh")).toMatch(/^\+ ip neigh add \S+ lladdr \S+ dev flannel\.1 nud permanent$/);
    expect(byKey.get("n1 route")).toContain(`+ ip route add ${n2!.routeBlock} via `);
    expect(byKey.get("n2 route")).toContain(`+ ip route add ${n1!.routeBlock} via `);
    expect(byKey.get("about")).toContain("not up: explained from the plan");
  });

  it("host-gw has no overlay device and routes each peer's block via the peer node", () => {
    const plan = planDatapathLab(BACKEND_FACTS["flannel-host-gw"]);
    const byKey = new Map(plannedSections(BACKEND_FACTS["flannel-host-gw"], plan).map((s) => [s.key, s.lines.join("\n")]));
    const [n1, n2] = plan.topology.nodes;
    expect(byKey.get("n1 device")).toMatch(/^\(no overlay device/);
    expect(byKey.get("n1 route")).toContain(`+ ip route add ${n2!.routeBlock} via ${n2!.address}`);
    expect(byKey.get("n2 route")).toContain(`+ ip route add ${n1!.routeBlock} via ${n1!.address}`);
  });

  it("flannel udp: the TUN device, the forwarder's command line in place of FDB and neighbours, one route for the pod network", () => {
    const plan = planDatapathLab(BACKEND_FACTS["flannel-udp"]);
    const sections = plannedSections(BACKEND_FACTS["flannel-udp"], plan);
    const byKey = new Map(sections.map((s) => [s.key, s.lines.join("\n")]));
    const [n1, n2] = plan.topology.nodes;
    expect(sections.map((s) => s.key)).toEqual(["about", "n1 route", "n1 device", "n1 forwarder", "n2 route", "n2 device", "n2 forwarder", "pod route", "kube-proxy"]);
    expect(byKey.get("n1 device")).toContain("+ ip tuntap add dev flannel0 mode tun\n+ ip link set flannel0 mtu 1472");
    expect(byKey.get("n1 forwarder")).toBe(`+ cnilab-udp-forwarder flannel0 ${n1!.address} 8285 10.244.1.0 10.244.2.0/24=${n2!.address}`);
    expect(byKey.get("n1 route")).toContain("+ ip route add 10.244.0.0/16 dev flannel0");
  });

  it("the command needs no root for a lab that is not up, marks the column '(plan)' and says so on stderr", async () => {
    vi.spyOn(process, "getuid").mockReturnValue(1000);
    const io = captureIo();
    expect(await main(["datapath", "explain", "flannel-host-gw", "flannel-vxlan"], io)).toBe(0);
    expect(io.out()).toMatch(/== flannel-host-gw \(plan\) +│ == flannel-vxlan \(plan\)/);
    expect(io.out()).toContain("(no overlay device");
    expect(io.err()).toBe(
      "cnilab datapath explain: flannel-host-gw is not up; explaining it from the plan\n" +
        "cnilab datapath explain: flannel-vxlan is not up; explaining it from the plan\n",
    );
  });
});
