/**
 * Real datapath labs in network namespaces (root): for every backend this kernel supports, up →
 * the devices, routes, MTU and entries exist (read back with `ip -j`) → the probes give the expected
 * outcomes → down leaves nothing. Only addresses inside the lab's own namespaces are contacted.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BACKEND_FACTS } from "../../backends";
import { tunnelDeviceMtu } from "../../backends/mtu";
import { BACKENDS } from "../../backends/types";
import type { Backend } from "../../backends/types";
import { forwarderUnavailable } from "../../datapath/daemons";
import { runIn, runSteps, startIn } from "../../datapath/exec";
import { detectKernelFeatures, missingFeatures } from "../../datapath/kernel";
import type { FeatureCheck } from "../../datapath/kernel";
import { labDown, labUp, listLabNamespaces } from "../../datapath/lab";
import { planDatapathLab } from "../../datapath/plan";
import { runLabProbes } from "../../datapath/probe-run";
import { LISTENER_JS } from "../../datapath/scripts";
import { serviceChain } from "../../datapath/service";
import { LAB_DEFAULTS, POD_CIDR, UNDERLAY_CIDR } from "../../datapath/topology";
import type { LabTopology } from "../../datapath/topology";
import { netnsUnavailable, probeOutcomes } from "../helpers/netns";

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`[skip] datapath lab tests: ${unavailable}`);
const features: FeatureCheck | undefined = unavailable ? undefined : detectKernelFeatures();
const state = mkdtempSync(join(tmpdir(), "cnilab-dp-test-state-"));

function notHere(backend: Backend): string | undefined {
  if (!features) return undefined;
  const missing = missingFeatures(BACKEND_FACTS[backend], features);
  if (missing.length > 0) return missing.map((f) => `${f} (${features[f].evidence})`).join(", ");
  // flannel udp's forwarder is built from C here (.ci/setup.sh installs gcc).
  return BACKEND_FACTS[backend].datapath.udp === undefined ? undefined : forwarderUnavailable();
}

async function json<T>(netns: string, argv: string[]): Promise<T> {
  const r = await runIn(netns, argv);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} in ${netns}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface JRoute { dst: string; gateway?: string; dev?: string; protocol?: string; flags?: string[]; type?: string }
interface JLink { ifname: string; mtu: number; address?: string; linkinfo?: { info_kind: string; info_data?: Record<string, unknown> } }

/** Asserts, from the kernel's own JSON, what the backend's facts say node n1 must have. */
async function assertNodeState(backend: Backend, topo: LabTopology, podMtu: number): Promise<void> {
  const facts = BACKEND_FACTS[backend];
  const [n1, n2] = [topo.nodes[0]!, topo.nodes[1]!];
  const routes = await json<JRoute[]>(n1.netns, ["ip", "-j", "route", "show"]);
  const peer = routes.find((r) => r.dst === n2.routeBlock);
  const device = facts.datapath.device;
  switch (facts.datapath.crossNode) {
    case "shared-l2":
      expect(peer, `${backend}: no route to the peer's pods, they are on-link`).toBeUndefined();
      break;
    case "routes-via-node":
      expect(peer).toMatchObject({ gateway: n2.address, dev: device === "tunl0" ? "tunl0" : "eth0" });
      break;
    case "overlay":
      if (facts.datapath.udp !== undefined) {
        // flanneld's udp backend: no route per peer, one for the whole pod network via its TUN device.
        expect(peer).toBeUndefined();
        expect(routes.find((r) => r.dst === POD_CIDR)).toMatchObject({ dev: device });
        break;
      }
      expect(peer).toMatchObject({ dev: device });
      expect(peer!.flags).toContain("onlink");
      break;
  }
  if (facts.datapath.peerRoute.includes("proto bird")) expect(["bird", "12"]).toContain(peer!.protocol);
  if (facts.datapath.peerRoute.includes("proto 80")) expect(peer!.protocol).toBe("80");

  const pod = await json<JLink[]>(n1.pods[0]!.netns, ["ip", "-j", "link", "show", "dev", "eth0"]);
  expect(pod[0]!.mtu).toBe(podMtu);
  if (device === undefined) return;
  const [link] = await json<JLink[]>(n1.netns, ["ip", "-j", "-d", "link", "show", "dev", device]);
  expect(link!.mtu).toBe(tunnelDeviceMtu(facts.datapath, topo.underlayMtu));
  if (facts.datapath.udp !== undefined) expect(link!.linkinfo?.info_kind).toBe("tun");
  const vxlan = facts.datapath.vxlan;
  if (vxlan === undefined) return;
  expect(link!.linkinfo?.info_kind).toBe("vxlan");
  expect(link!.linkinfo?.info_data).toMatchObject({ id: vxlan.vni, port: vxlan.port, learning: false, local: n1.address });
  const fdb = await json<{ mac: string; dst?: string }[]>(n1.netns, ["bridge", "-j", "fdb", "show", "dev", device]);
  const neigh = await json<{ dst: string; lladdr: string; state: string[] }[]>(n1.netns, ["ip", "-j", "neigh", "show", "dev", device]);
  if (facts.datapath.crossNode === "overlay") {
    expect(fdb).toContainEqual(expect.objectContaining({ mac: n2.vtepMac, dst: n2.address }));
    expect(neigh).toContainEqual(expect.objectContaining({ dst: n2.podNetwork, lladdr: n2.vtepMac, state: ["PERMANENT"] }));
  } else {
    // DirectRouting on one L2: the device exists, but nothing is sent through it.
    expect(neigh).toEqual([]);
  }
}

describe.skipIf(unavailable !== undefined)("datapath labs in network namespaces", () => {
  afterAll(async () => {
    for (const backend of BACKENDS) await labDown(backend, state);
    rmSync(state, { recursive: true, force: true });
  });

  for (const backend of BACKENDS) {
    const missing = notHere(backend);
    if (missing) console.warn(`[skip] ${backend}: not available here: ${missing}`);
    it.skipIf(missing !== undefined)(`${backend}: up → devices, routes, MTU → expected probe outcomes → down leaves nothing`, async () => {
      try {
        const up = await labUp(backend, LAB_DEFAULTS, state);
        if (up.status !== "up") throw new Error(`expected ${backend} up, got ${JSON.stringify(up)}`);
        await assertNodeState(backend, up.plan.topology, up.plan.podMtu);
        const chain = await runIn(up.plan.topology.nodes[0]!.netns, ["iptables", "-w", "-t", "nat", "-S", serviceChain()]);
        expect(chain.stdout).toContain("--mode random --probability 0.5");

        const report = await runLabProbes(BACKEND_FACTS[backend], up.plan.topology);
        const mismatches = report.probes.filter((r) => r.status !== "pass").map((r) => `${r.group}: expected ${r.expect}, got ${r.observed} ${r.detail ?? ""}`);
        expect(mismatches).toEqual([]);
        if (report.probes.find((r) => r.group === "pod-service")!.expect === "connected") {
          // Both endpoints answer through the ClusterIP: P(one endpoint 40 times) = 2 × 0.5^40.
          expect(report.service).toMatchObject({ failures: 0, count: 40 });
          expect(Object.keys(report.service!.replies).sort()).toEqual(up.plan.topology.endpoints.map((p) => p.name).sort());
        } else {
          expect(report.service).toBeUndefined();
        }
      } finally {
        await labDown(backend, state);
      }
      expect(await listLabNamespaces(backend)).toEqual([]);
    }, 60_000);
  }

  const ipipMissing = notHere("calico-ipip");
  it.skipIf(ipipMissing === undefined)("a backend the kernel cannot build is reported as not available here, and nothing is made", async () => {
    const up = await labUp("calico-ipip", LAB_DEFAULTS, state);
    expect(up).toMatchObject({ status: "not-available", missing: ["ipip"] });
    expect(await listLabNamespaces("calico-ipip")).toEqual([]);
  });

  it("down removes a lab that crashed midway, whatever was made", async () => {
    const plan = planDatapathLab(BACKEND_FACTS["flannel-vxlan"]);
    const half = plan.steps.findIndex((s) => s.phase === "backend") + 3;
    await runSteps(plan.steps.slice(0, half));
    expect((await listLabNamespaces("flannel-vxlan")).length).toBe(1 + 2 + 4);
    const removed = await labDown("flannel-vxlan", state);
    expect(removed).toContain("cnilab-dp-flannel-vxlan.n1");
    expect(await listLabNamespaces("flannel-vxlan")).toEqual([]);
  });

  it.skipIf(notHere("macvlan") !== undefined)(
    "macvlan: with routes both ways, a pod reaches the other node but never its own, and a node reaches the other node's pods but never its own (the kernel isolates the parent)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "cnilab-dp-macvlan-"));
      const listeners: ReturnType<typeof startIn>[] = [];
      try {
        const up = await labUp("macvlan", LAB_DEFAULTS, state);
        if (up.status !== "up") throw new Error("macvlan not up");
        const [n1, n2] = up.plan.topology.nodes as [LabTopology["nodes"][0], LabTopology["nodes"][0]];
        const client = n1.pods[0]!;
        // Routes both ways on the shared L2, so that only the macvlan/parent isolation can stop a packet.
        const pods = [n1.pods[1]!, n2.pods[0]!];
        for (const p of [client, ...pods]) await runIn(p.netns, ["ip", "route", "add", UNDERLAY_CIDR, "dev", "eth0"]);
        for (const n of [n1, n2]) await runIn(n.netns, ["ip", "route", "add", POD_CIDR, "dev", "eth0"]);
        writeFileSync(join(dir, "listener.js"), LISTENER_JS);
        for (const p of [n1, n2, ...pods]) listeners.push(startIn(p.netns, [process.execPath, join(dir, "listener.js"), p.name, "8080", "30000"]));
        await Promise.all(listeners.map((l) => l.waitFor("listening", 10_000)));
        const probeFrom = (netns: string, targets: { name: string; address: string }[]) => probeOutcomes(dir, netns, targets);
        // pod → own node, pod → other node
        expect(await probeFrom(client.netns, [n1, n2])).toEqual(["timeout", "connected"]);
        // node → own pod (what kubelet's probes and a NodePort landing on the endpoint's node do), node → other node's pod
        expect(await probeFrom(n1.netns, pods)).toEqual([BACKEND_FACTS.macvlan.limitations.find((l) => l.id === "node-to-own-pods")!.outcome, "connected"]);
      } finally {
        await Promise.all(listeners.map((l) => l.stop()));
        await labDown("macvlan", state);
        rmSync(dir, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
