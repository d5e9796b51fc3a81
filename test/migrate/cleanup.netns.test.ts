/**
 * The node cleanup run for real (root, network namespaces this test makes): a flannel node built by
 * hand with the datapath lab's builders, foreign devices, routes, chains and files added beside it,
 * the cleanup script run in each node, then what is gone is compared with what the leftovers list
 * names — exactly that, nothing else — and the lab is probed. Traffic stays inside these namespaces.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BACKEND_FACTS, type Backend } from "../../backends";
import { runIn, runSteps } from "../../datapath/exec";
import { detectKernelFeatures } from "../../datapath/kernel";
import { featurePresent } from "../../host/kernel";
import { planDatapathLab } from "../../datapath/plan";
import { runLabProbes } from "../../datapath/probe-run";
import { planBackend } from "../../datapath/routes";
import { at, type Step } from "../../datapath/step";
import { labPrefix, POD_CIDR, type LabTopology } from "../../datapath/topology";
import { cleanupScript, parseCleanupOutput } from "../../migrate/cleanup";
import { FLANNEL_LEFTOVERS, leftoversOf } from "../../migrate/leftovers";

function unavailableReason(): string | undefined {
  if (process.platform !== "linux") return `needs Linux network namespaces, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "needs root (CAP_NET_ADMIN) to create network namespaces";
  try {
    execFileSync("iptables", ["--version"], { stdio: "pipe" });
  } catch {
    return "iptables is not installed";
  }
  const vxlan = detectKernelFeatures().vxlan;
  return featurePresent(vxlan) ? undefined : `no vxlan in this kernel: ${vxlan.evidence}`;
}
const unavailable = unavailableReason();
if (unavailable) console.warn(`[skip] migrate cleanup in namespaces: ${unavailable}`);

/** Our own prefix (not cnilab-dp-, which `datapath down` of a parallel test would sweep). */
const PREFIX = `cnilab-mig${process.pid}.`;
let made: string[] = [];
const scratch: string[] = [];

/** A datapath lab of `backend` under this test's prefix: its plan and topology with every name moved. */
function lab(backend: Backend): { topology: LabTopology; steps: Step[] } {
  const plan = planDatapathLab(BACKEND_FACTS[backend]);
  const moved = JSON.parse(JSON.stringify({ topology: plan.topology, steps: plan.steps }).replaceAll(labPrefix(backend), PREFIX)) as { topology: LabTopology; steps: Step[] };
  made = moved.steps.filter((s) => s.argv[0] === "ip" && s.argv[1] === "netns" && s.argv[2] === "add").map((s) => s.argv[3]!);
  return moved;
}

afterEach(async () => {
  for (const ns of made.reverse()) await runIn(null, ["ip", "netns", "del", ns]);
  made = [];
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function out(netns: string, argv: string[]): Promise<string> {
  const r = await runIn(netns, argv);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} in ${netns}: ${r.stderr}`);
  return r.stdout;
}

interface NodeState {
  links: string[];
  routes: string[];
  rules: string[];
}

/** What a node holds, one comparable line per item: links with their type, routes, every iptables rule and chain. */
async function nodeState(netns: string): Promise<NodeState> {
  const links = (JSON.parse(await out(netns, ["ip", "-j", "-d", "link", "show"])) as { ifname: string; linkinfo?: { info_kind?: string } }[]).map(
    (l) => `${l.ifname} ${l.linkinfo?.info_kind ?? ""}`.trim(),
  );
  const routes = (await out(netns, ["ip", "-4", "route", "show"])).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const rules = [...(await out(netns, ["iptables", "-w", "-t", "nat", "-S"])).split("\n"), ...(await out(netns, ["iptables", "-w", "-t", "filter", "-S"])).split("\n")].filter((l) => l !== "");
  return { links: links.sort(), routes: routes.sort(), rules: rules.sort() };
}

function files(root: string): string[] {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? [`${relative(root, join(dir, f))}/`, ...walk(join(dir, f))] : [relative(root, join(dir, f))]));
  return walk(root).sort();
}

/** What flanneld --ip-masq writes (pkg/trafficmngr/iptables/iptables.go at v0.28.9), for pod subnet 10.244.0.0/16. */
function flannelChains(netns: string): Step[] {
  const ipt = (...argv: string[]) => at("backend", netns)("iptables", "-w", ...argv);
  return [
    ipt("-t", "nat", "-N", "FLANNEL-POSTRTG"),
    ipt("-t", "nat", "-A", "POSTROUTING", "-m", "comment", "--comment", "flanneld masq", "-j", "FLANNEL-POSTRTG"),
    ipt("-t", "nat", "-A", "FLANNEL-POSTRTG", "-s", POD_CIDR, "-d", POD_CIDR, "-m", "comment", "--comment", "flanneld masq", "-j", "RETURN"),
    ipt("-t", "filter", "-N", "FLANNEL-FWD"),
    ipt("-t", "filter", "-A", "FORWARD", "-m", "comment", "--comment", "flanneld forward", "-j", "FLANNEL-FWD"),
    ipt("-t", "filter", "-A", "FLANNEL-FWD", "-s", POD_CIDR, "-m", "comment", "--comment", "flanneld forward", "-j", "ACCEPT"),
  ];
}

/** Someone else's: a chain with a jump, a vxlan device, a bridge, a route inside the pod subnet (proto static) and one outside it. */
function foreign(netns: string, peer: string, local: string): Step[] {
  const on = at("backend", netns);
  return [
    on("iptables", "-w", "-t", "nat", "-N", "OTHER-POSTRTG"),
    on("iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-j", "OTHER-POSTRTG"),
    on("ip", "link", "add", "vx-other", "type", "vxlan", "id", "42", "local", local, "dev", "eth0", "dstport", "4789"),
    on("ip", "link", "add", "br-other", "type", "bridge"),
    on("ip", "route", "add", "10.244.99.0/24", "via", peer, "proto", "static"),
    on("ip", "route", "add", "192.168.77.0/24", "via", peer),
  ];
}

async function cleanup(netns: string, script: string): Promise<ReturnType<typeof parseCleanupOutput>> {
  const r = await runIn(netns, ["sh", "-c", script]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return parseCleanupOutput(r.stdout);
}

const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

describe.skipIf(unavailable !== undefined)("node cleanup in network namespaces", () => {
  it("flannel-vxlan → host-gw: only flannel.1 goes (its routes, FDB and neighbours with it); host-gw's routes then carry every probe", async () => {
    const { topology, steps } = lab("flannel-vxlan");
    const [n1, n2] = [topology.nodes[0]!, topology.nodes[1]!];
    await runSteps([...steps, ...foreign(n1.netns, n2.address, n1.address)]);
    const before = await nodeState(n1.netns);
    expect(before.routes).toContain(`${n2.routeBlock} via ${n2.podNetwork} dev flannel.1 onlink`);

    const script = cleanupScript(leftoversOf("flannel-vxlan", "flannel-host-gw"), { podSubnet: POD_CIDR });
    for (const node of topology.nodes) expect(await cleanup(node.netns, script)).toEqual([{ verb: "removed", what: "vxlan device flannel.1" }]);

    const after = await nodeState(n1.netns);
    expect(minus(before.links, after.links)).toEqual(["flannel.1 vxlan"]);
    expect(minus(before.routes, after.routes)).toEqual([`${n2.routeBlock} via ${n2.podNetwork} dev flannel.1 onlink`]);
    expect(minus(after.links, before.links)).toEqual([]);
    expect(after.rules).toEqual(before.rules);
    expect(await out(n1.netns, ["ip", "neigh", "show", "dev", "eth0"])).not.toContain(n2.vtepMac);

    // The new flanneld's part (host-gw routes), then the datapath lab's probes, judged as host-gw.
    const hostGw = BACKEND_FACTS["flannel-host-gw"];
    await runSteps(topology.nodes.flatMap((node) => planBackend(hostGw, topology, node)));
    const report = await runLabProbes(hostGw, topology, { serviceSamples: 4 });
    expect(report.probes.filter((p) => p.status !== "pass").map((p) => `${p.group}: ${p.observed} ${p.detail ?? ""}`)).toEqual([]);
  }, 60_000);

  it("flannel → another CNI: flannel's files, cni0, peer routes and chains go; a foreign bridge named flannel.1, chains, routes and files stay", async () => {
    const { topology, steps } = lab("flannel-host-gw");
    const [n1, n2] = [topology.nodes[0]!, topology.nodes[1]!];
    await runSteps([...steps, ...flannelChains(n1.netns), ...foreign(n1.netns, n2.address, n1.address), at("backend", n2.netns)("ip", "link", "add", "flannel.1", "type", "bridge")]);
    const root = mkdtempSync(join(tmpdir(), "cnilab-mig-root-"));
    scratch.push(root);
    const theirs = ["etc/cni/net.d/10-flannel.conflist", "opt/cni/bin/flannel", "run/flannel/subnet.env", "var/lib/cni/flannel/0123abcd", "var/lib/cni/networks/cbr0/10.244.1.2"];
    const others = ["etc/cni/net.d/99-other.conflist", "opt/cni/bin/bridge", "opt/cni/bin/host-local", "var/lib/cni/networks/other/10.9.0.2", "run/other.env"];
    for (const f of [...theirs, ...others]) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), "x");
    }
    const filesBefore = files(root);
    const before = await nodeState(n1.netns);

    const script = cleanupScript(leftoversOf("flannel-host-gw", "calico-vxlan"), { podSubnet: POD_CIDR, root });
    const said = await cleanup(n1.netns, script);
    expect(said.filter((l) => l.verb === "failed")).toEqual([]);
    expect(said.filter((l) => l.verb === "removed").map((l) => l.what)).toEqual([
      "path /etc/cni/net.d/10-flannel.conflist",
      "path /opt/cni/bin/flannel",
      "path /run/flannel",
      "path /var/lib/cni/flannel",
      "path /var/lib/cni/networks/cbr0",
      "bridge device cni0",
      `route ${n2.routeBlock} via ${n2.address} dev eth0`,
      "iptables -t nat chain FLANNEL-POSTRTG",
      "iptables -t filter chain FLANNEL-FWD",
    ]);
    expect(said).toContainEqual({ verb: "absent", what: "vxlan device flannel.1" });

    const after = await nodeState(n1.netns);
    expect(minus(before.links, after.links)).toEqual(["cni0 bridge"]);
    // cni0's own /24 goes with the bridge; the peer's /24 via n2 is deleted; the foreign ones stay.
    expect(minus(before.routes, after.routes).sort()).toEqual([`${n1.podCidr} dev cni0 proto kernel scope link src ${n1.podNetwork.replace(/\.0$/, ".1")}`, `${n2.routeBlock} via ${n2.address} dev eth0`].sort());
    expect(after.routes).toEqual(expect.arrayContaining(["10.244.99.0/24 via " + n2.address + " dev eth0 proto static", `192.168.77.0/24 via ${n2.address} dev eth0`]));
    expect(minus(before.rules, after.rules).every((r) => r.includes("FLANNEL-"))).toBe(true);
    expect(after.rules.filter((r) => r.includes("FLANNEL-"))).toEqual([]);
    expect(after.rules).toEqual(before.rules.filter((r) => !r.includes("FLANNEL-")));
    expect(minus(filesBefore, files(root))).toEqual(
      ["etc/cni/net.d/10-flannel.conflist", "opt/cni/bin/flannel", "run/flannel/", "run/flannel/subnet.env", "var/lib/cni/flannel/", "var/lib/cni/flannel/0123abcd", "var/lib/cni/networks/cbr0/", "var/lib/cni/networks/cbr0/10.244.1.2"].sort(),
    );
    for (const f of others) expect(existsSync(join(root, f)), f).toBe(true);

    // n2 has a bridge named flannel.1: the name alone does not make it flannel's.
    const n2said = await cleanup(n2.netns, script);
    expect(n2said).toContainEqual({ verb: "kept", what: "device flannel.1: not a vxlan device, so not the old CNI's" });
    expect(await out(n2.netns, ["ip", "-o", "link", "show", "dev", "flannel.1"])).toContain("flannel.1");

    // Nothing of the old CNI carries pod traffic any more, and the node network is untouched: the
    // probes from n1's pod fail across nodes, n1 still reaches n2 on the underlay.
    const report = await runLabProbes(BACKEND_FACTS["flannel-host-gw"], topology, { serviceSamples: 1 });
    expect(report.probes.find((p) => p.group === "pod-other-node")!.observed).not.toBe("connected");
    expect((await runIn(n1.netns, ["ip", "route", "get", n2.address])).stdout).toContain("dev eth0");
    // Running it again finds nothing left: the script is safe to repeat.
    expect((await cleanup(n1.netns, script)).filter((l) => l.verb === "removed")).toEqual([]);
  }, 60_000);

  it("the leftovers list names each of flannel's paths once", () => {
    const paths = FLANNEL_LEFTOVERS.flatMap((l) => (l.kind === "path" ? [l.path] : []));
    expect(new Set(paths).size).toBe(paths.length);
  });
});
