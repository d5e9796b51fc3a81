import { describe, expect, it } from "vitest";
import { BACKEND_FACTS } from "../../backends";
import { TUNNEL_OVERHEAD, podMtu } from "../../backends/mtu";
import { BACKENDS } from "../../backends/types";
import type { Backend, BackendFacts } from "../../backends/types";
import { containsIp, mustParseCidr, parseIpv4 } from "../../ip/cidr";
import { podHasRoute } from "../../datapath/attach";
import { requiredFeatures } from "../../datapath/kernel";
import { planDatapathLab } from "../../datapath/plan";
import { planDatapathProbes } from "../../datapath/probes";
import type { ProbePath } from "../../datapath/probes";
import { peerRouteArgs } from "../../datapath/routes";
import { endpointChain, serviceChain } from "../../datapath/service";
import { kubeProxyHash } from "../../kube-proxy/names";
import type { Step } from "../../datapath/step";
import { LAB_DEFAULTS, NETNS_PREFIX, labPrefix, validateLabOptions } from "../../datapath/topology";

const argvs = (steps: Step[], netns?: string) => steps.filter((s) => netns === undefined || s.netns === netns).map((s) => s.argv.join(" "));
const n1 = (b: Backend) => `${labPrefix(b)}n1`;

describe("planDatapathLab: every backend", () => {
  it.each(BACKENDS)("%s: only creates and touches its own cnilab-dp- namespaces", (backend) => {
    const { steps } = planDatapathLab(BACKEND_FACTS[backend]);
    for (const step of steps) {
      if (step.netns === null) {
        // The only command outside a namespace creates one of ours.
        expect(step.argv.slice(0, 3)).toEqual(["ip", "netns", "add"]);
        expect(step.argv[3]!.startsWith(labPrefix(backend))).toBe(true);
      } else {
        expect(step.netns.startsWith(labPrefix(backend))).toBe(true);
      }
      const moveTo = step.argv.indexOf("netns");
      if (moveTo >= 0 && step.netns !== null) expect(step.argv[moveTo + 1]!.startsWith(labPrefix(backend))).toBe(true);
    }
  });

  it.each(BACKENDS)("%s: every address it assigns lies in the lab's underlay, pod range or calico's link-local gateway", (backend) => {
    const allowed = ["172.31.250.0/24", "10.244.0.0/16"].map(mustParseCidr);
    const added = planDatapathLab(BACKEND_FACTS[backend]).steps.filter((s) => s.argv[1] === "addr" && s.argv[2] === "add");
    expect(added.length).toBeGreaterThan(0);
    for (const s of added) {
      const ip = parseIpv4(s.argv[3]!.split("/")[0]!)!;
      expect(allowed.some((c) => containsIp(c, ip)), s.argv.join(" ")).toBe(true);
    }
  });

  it("namespace prefixes never contain one another (flannel-vxlan vs flannel-vxlan-directrouting)", () => {
    for (const a of BACKENDS) for (const b of BACKENDS) if (a !== b) expect(labPrefix(b).startsWith(labPrefix(a))).toBe(false);
    expect(labPrefix("flannel-vxlan").startsWith(NETNS_PREFIX)).toBe(true);
  });

  it("creates namespaces before anything runs in them, the switch before nodes before pods", () => {
    const { steps } = planDatapathLab(BACKEND_FACTS["flannel-host-gw"]);
    const created = new Set<string>();
    for (const s of steps) {
      if (s.netns === null) created.add(s.argv[3]!);
      else expect(created.has(s.netns), s.argv.join(" ")).toBe(true);
    }
    expect(steps.slice(0, 3).map((s) => s.argv[3])).toEqual([
      "cnilab-dp-flannel-host-gw.sw",
      "cnilab-dp-flannel-host-gw.n1",
      "cnilab-dp-flannel-host-gw.n2",
    ]);
  });

  it("routes each node to every peer's pod range with three nodes", () => {
    const { steps } = planDatapathLab(BACKEND_FACTS["flannel-host-gw"], { ...LAB_DEFAULTS, nodes: 3 });
    expect(argvs(steps, `${labPrefix("flannel-host-gw")}n2`).filter((a) => a.startsWith("ip route add 10.244."))).toEqual([
      "ip route add 10.244.1.0/24 via 172.31.250.2 dev eth0",
      "ip route add 10.244.3.0/24 via 172.31.250.4 dev eth0",
    ]);
  });
});

describe("planDatapathLab: what each backend programs", () => {
  it("flannel host-gw: a plain route via the peer node, no overlay device, pod MTU = underlay", () => {
    const plan = planDatapathLab(BACKEND_FACTS["flannel-host-gw"]);
    expect(argvs(plan.steps, n1("flannel-host-gw"))).toContain("ip route add 10.244.2.0/24 via 172.31.250.3 dev eth0");
    expect(argvs(plan.steps).some((a) => a.includes("vxlan"))).toBe(false);
    expect(plan.podMtu).toBe(1500);
  });

  it("flannel vxlan: flannel.1 (VNI 1, port 8472, nolearning, MTU 1450), neighbour + FDB per peer, onlink route", () => {
    const plan = planDatapathLab(BACKEND_FACTS["flannel-vxlan"]);
    const node = argvs(plan.steps, n1("flannel-vxlan"));
    expect(node).toContain(
      "ip link add flannel.1 address 0e:cb:00:00:00:01 mtu 1450 type vxlan id 1 local 172.31.250.2 dev eth0 dstport 8472 nolearning",
    );
    expect(node).toContain("ip addr add 10.244.1.0/32 dev flannel.1");
    expect(node).toContain("ip neigh add 10.244.2.0 lladdr 0e:cb:00:00:00:02 dev flannel.1 nud permanent");
    expect(node).toContain("bridge fdb add 0e:cb:00:00:00:02 dev flannel.1 dst 172.31.250.3 self permanent");
    expect(node).toContain("ip route add 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink");
    expect(plan.podMtu).toBe(1450);
    expect(node).toContain("ip link set cni0 mtu 1450");
  });

  it("flannel udp: flannel0 a TUN device (MTU 1500 − 28), one route for the whole pod network, a forwarder per node", () => {
    // flannel v0.28.9 pkg/backend/udp: encapOverhead 28, defaultPort 8285, the lease's first address as
    // a /32 on flannel0, one route for the network via flannel0; the peers live in the forwarder's table.
    const plan = planDatapathLab(BACKEND_FACTS["flannel-udp"], { ...LAB_DEFAULTS, nodes: 3 });
    const node = argvs(plan.steps, n1("flannel-udp"));
    expect(node).toEqual(expect.arrayContaining([
      "ip tuntap add dev flannel0 mode tun",
      "ip link set flannel0 mtu 1472",
      "ip addr add 10.244.1.0/32 dev flannel0",
      "ip link set cni0 mtu 1472",
    ]));
    expect(node.filter((a) => a.startsWith("ip route add 10.244."))).toEqual(["ip route add 10.244.0.0/16 dev flannel0"]);
    expect(node.some((a) => a.includes("vxlan") || a.startsWith("bridge fdb") || a.startsWith("ip neigh"))).toBe(false);
    expect(plan.podMtu).toBe(1472);
    expect(plan.daemons).toEqual([
      { netns: n1("flannel-udp"), program: "cnilab-udp-forwarder", args: ["flannel0", "172.31.250.2", "8285", "10.244.1.0", "10.244.2.0/24=172.31.250.3", "10.244.3.0/24=172.31.250.4"] },
      { netns: `${labPrefix("flannel-udp")}n2`, program: "cnilab-udp-forwarder", args: ["flannel0", "172.31.250.3", "8285", "10.244.2.0", "10.244.1.0/24=172.31.250.2", "10.244.3.0/24=172.31.250.4"] },
      { netns: `${labPrefix("flannel-udp")}n3`, program: "cnilab-udp-forwarder", args: ["flannel0", "172.31.250.4", "8285", "10.244.3.0", "10.244.1.0/24=172.31.250.2", "10.244.2.0/24=172.31.250.3"] },
    ]);
  });

  it("no backend but flannel udp runs a daemon", () => {
    for (const b of BACKENDS) expect(planDatapathLab(BACKEND_FACTS[b]).daemons.length, b).toBe(b === "flannel-udp" ? 2 : 0);
  });

  it("flannel vxlan + DirectRouting on one L2: flannel.1 exists but carries nothing, peers get plain routes", () => {
    const node = argvs(planDatapathLab(BACKEND_FACTS["flannel-vxlan-directrouting"]).steps, n1("flannel-vxlan-directrouting"));
    expect(node.some((a) => a.startsWith("ip link add flannel.1"))).toBe(true);
    expect(node.filter((a) => a.startsWith("ip neigh") || a.startsWith("bridge fdb"))).toEqual([]);
    expect(node).toContain("ip route add 10.244.2.0/24 via 172.31.250.3 dev eth0");
  });

  it("calico BGP: BIRD's routes (protocol 12) to the peer's /26 block and a blackhole for its own", () => {
    const node = argvs(planDatapathLab(BACKEND_FACTS["calico-bgp"]).steps, n1("calico-bgp"));
    expect(node).toContain("ip route add 10.244.2.0/26 via 172.31.250.3 dev eth0 proto 12");
    expect(node).toContain("ip route add blackhole 10.244.1.0/26 proto 12");
    expect(node).toContain("sysctl -qw net.ipv4.conf.calip1.proxy_arp=1");
    expect(argvs(planDatapathLab(BACKEND_FACTS["calico-bgp"]).steps, `${labPrefix("calico-bgp")}n1.p1`)).toEqual(
      expect.arrayContaining(["ip addr add 10.244.1.2/32 dev eth0", "ip route add default via 169.254.1.1 dev eth0"]),
    );
  });

  it("calico VXLAN: vxlan.calico with VNI 4096, port 4789, felix's protocol 80", () => {
    const node = argvs(planDatapathLab(BACKEND_FACTS["calico-vxlan"]).steps, n1("calico-vxlan"));
    expect(node.find((a) => a.startsWith("ip link add vxlan.calico"))).toContain("mtu 1450 type vxlan id 4096 local 172.31.250.2 dev eth0 dstport 4789 nolearning");
    expect(node).toContain("ip route add 10.244.2.0/26 via 10.244.2.0 dev vxlan.calico proto 80 onlink");
    expect(node).toContain("ip route add blackhole 10.244.1.0/26 proto 80");
  });

  it("calico IPIP: the module's tunl0 (tolerating that it already exists), MTU 1480, routes onlink via the peer node", () => {
    const steps = planDatapathLab(BACKEND_FACTS["calico-ipip"]).steps.filter((s) => s.netns === n1("calico-ipip"));
    expect(steps.find((s) => s.argv.join(" ") === "ip link add tunl0 type ipip")?.tolerate).toBe("exists");
    expect(argvs(steps)).toContain("ip link set tunl0 mtu 1480 up");
    expect(argvs(steps)).toContain("ip route add 10.244.2.0/26 via 172.31.250.3 dev tunl0 proto 12 onlink");
  });

  it("kindnet: ptp veths — gateway /32 on the host side, a host route per pod, routes per peer node", () => {
    const plan = planDatapathLab(BACKEND_FACTS.kindnet);
    const node = argvs(plan.steps, n1("kindnet"));
    expect(node).toEqual(expect.arrayContaining([
      "ip addr add 10.244.1.1/32 dev veth-p1",
      "ip route add 10.244.1.2/32 dev veth-p1 scope host",
      "ip route add 10.244.2.0/24 via 172.31.250.3 dev eth0",
    ]));
    expect(node.some((a) => a.includes("cni0"))).toBe(false);
    expect(argvs(plan.steps, `${labPrefix("kindnet")}n1.p1`)).toContain("ip addr add 10.244.1.2/24 dev eth0 noprefixroute");
  });

  it("macvlan: a bridge-mode sub-interface of eth0 per pod, on-link in the pod subnet, no peer routes", () => {
    const plan = planDatapathLab(BACKEND_FACTS.macvlan);
    const node = argvs(plan.steps, n1("macvlan"));
    expect(node).toContain("ip link add sub-p1 link eth0 type macvlan mode bridge");
    expect(node.filter((a) => a.startsWith("ip route add"))).toEqual(["ip route add default via 172.31.250.1 dev eth0"]);
    expect(argvs(plan.steps, `${labPrefix("macvlan")}n1.p1`)).toContain("ip addr add 10.244.1.2/16 dev eth0");
  });

  it("ipvlan L3: per-node /24 with routes to the pod and node subnets; peers routed via their node", () => {
    const plan = planDatapathLab(BACKEND_FACTS["ipvlan-l3"]);
    expect(argvs(plan.steps, n1("ipvlan-l3"))).toEqual(expect.arrayContaining([
      "ip link add sub-p1 link eth0 type ipvlan mode l3",
      "ip route add 10.244.2.0/24 via 172.31.250.3 dev eth0",
    ]));
    expect(argvs(plan.steps, `${labPrefix("ipvlan-l3")}n1.p1`)).toEqual(expect.arrayContaining([
      "ip addr add 10.244.1.2/24 dev eth0",
      "ip route add 10.244.0.0/16 dev eth0",
      "ip route add 172.31.250.0/24 dev eth0",
    ]));
  });
});

describe("kube-proxy's Service chains", () => {
  it("hashes chain names as kube-proxy does (known: default/kubernetes:https tcp → NPX46M4PTMTKRN6Y)", () => {
    expect(kubeProxyHash("default/kubernetes:httpstcp")).toBe("NPX46M4PTMTKRN6Y");
    expect(kubeProxyHash("kube-system/kube-dns:dnsudp")).toBe("TCOU7JCQXEZGVUNU");
    expect(serviceChain()).toMatch(/^KUBE-SVC-[A-Z2-7]{16}$/);
  });

  it("picks the first endpoint with probability 0.5 and falls through to the second, DNAT in each KUBE-SEP", () => {
    const node = argvs(planDatapathLab(BACKEND_FACTS["flannel-host-gw"]).steps, n1("flannel-host-gw"));
    const [a, b] = [endpointChain("10.244.1.3:8080"), endpointChain("10.244.2.3:8080")];
    const svcRules = node.filter((x) => x.includes(`-A ${serviceChain()} -m comment`));
    expect(svcRules).toEqual([
      `iptables -w -t nat -A ${serviceChain()} -m comment --comment default/echo:http -> 10.244.1.3:8080 -m statistic --mode random --probability 0.5000000000 -j ${a}`,
      `iptables -w -t nat -A ${serviceChain()} -m comment --comment default/echo:http -> 10.244.2.3:8080 -j ${b}`,
    ]);
    expect(node).toContain(`iptables -w -t nat -A ${b} -p tcp -m comment --comment default/echo:http -m tcp -j DNAT --to-destination 10.244.2.3:8080`);
    expect(node).toContain("iptables -w -t nat -A PREROUTING -m comment --comment kubernetes service portals -j KUBE-SERVICES");
  });
});

describe("facts and lab agree", () => {
  const PATH_TARGET: Partial<Record<ProbePath, string>> = { "pod-own-node-ip": "172.31.250.2", "pod-other-node-ip": "172.31.250.3", "pod-service": "10.96.0.10" };

  it.each(BACKENDS)("%s: each limitation's outcome is what the lab's pod routes produce (no route → no-route, else timeout)", (backend) => {
    const facts = BACKEND_FACTS[backend];
    for (const probe of planDatapathProbes(facts, planDatapathLab(facts).topology)) {
      if (!probe.limitation) {
        expect(probe.expect).toBe("connected");
        continue;
      }
      const routed = podHasRoute(facts.datapath.podAttachment, PATH_TARGET[probe.group]!);
      expect(probe.expect, `${backend} ${probe.group}`).toBe(routed ? "timeout" : "no-route");
    }
  });

  it("tunnel overheads match the facts of every encapsulating backend", () => {
    for (const facts of Object.values(BACKEND_FACTS)) {
      if (facts.datapath.encapsulation !== "none") expect(facts.datapath.overheadBytes).toBe(TUNNEL_OVERHEAD[facts.datapath.encapsulation]);
    }
    expect(podMtu(BACKEND_FACTS["calico-ipip"].datapath, 1500)).toBe(1480);
    // flanneld's udp MTU(): the external interface's MTU − 28, also on a jumbo underlay.
    expect(podMtu(BACKEND_FACTS["flannel-udp"].datapath, 9000)).toBe(8972);
    // DirectRouting sends plain packets, but flannel still hands pods its vxlan device's MTU.
    expect(podMtu(BACKEND_FACTS["flannel-vxlan-directrouting"].datapath, 1500)).toBe(1450);
  });

  it("requires exactly the kernel features the backend's devices need", () => {
    const need = (b: Backend) => requiredFeatures(BACKEND_FACTS[b]);
    expect(need("flannel-host-gw")).toEqual(["veth", "bridge"]);
    expect(need("flannel-vxlan-directrouting")).toEqual(["veth", "bridge", "vxlan"]);
    expect(need("calico-ipip")).toEqual(["veth", "bridge", "ipip"]);
    expect(need("macvlan")).toEqual(["veth", "bridge", "macvlan"]);
    expect(need("ipvlan-l3")).toEqual(["veth", "bridge", "ipvlan"]);
    // A TUN device: the kernel's tun module; the forwarder is ours.
    expect(need("flannel-udp")).toEqual(["veth", "bridge", "tun"]);
  });

  it("refuses a peerRoute placeholder or protocol it does not know, naming the backend", () => {
    const base = BACKEND_FACTS["flannel-host-gw"];
    const peer = planDatapathLab(base).topology.nodes[1]!;
    const odd = (peerRoute: string): BackendFacts => ({ ...base, datapath: { ...base.datapath, peerRoute } });
    expect(() => peerRouteArgs(odd("<peer-cidr> via <peer-node>"), peer)).toThrow(
      "backends: flannel-host-gw.datapath.peerRoute has placeholder <peer-cidr>; known: <peer-subnet>, <peer-block>, <peer-subnet-network>, <peer-vtep>, <peer-node>, <pod-network>",
    );
    expect(() => peerRouteArgs(odd("<peer-subnet> via <peer-node> proto zebra"), peer)).toThrow("names route protocol 'zebra'");
  });

  it("validates lab options with the allowed range", () => {
    expect(validateLabOptions({ ...LAB_DEFAULTS, nodes: 1 })).toEqual(["--nodes: must be an integer 2..8, got 1"]);
    expect(validateLabOptions(LAB_DEFAULTS)).toEqual([]);
  });
});
