/**
 * The overlay lab for real on this machine's Docker engine: swarm mode made and left by the lab's own
 * dynamic provider (components/docker/swarm-provider.ts, called directly, as Pulumi's provider host
 * would), the lab's plan created through the Engine API (./run-lab.ts), and what Docker built for
 * the overlay read from the network's own namespace: the VXLAN device, its VNI, port and MTU.
 *
 * Runs only on a daemon outside swarm mode, and leaves it so: every test ends with swarm mode left
 * (afterAll checks once more). On one node nothing is encapsulated (br0 switches between the two
 * containers): the VXLAN device's counters prove that too.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerSwarmProvider } from "../../components/docker/swarm-provider";
import type { DockerSwarmInputs, DockerSwarmOutputs } from "../../components/docker/swarm-types";
import { OVERLAY_NETNS_DIR, OVERLAY_VXLAN, overlayLines, overlayNetns, parseMtu, parseVxlan, VNI_OPTION, type OverlayEvidence } from "../../docker";
import { bundleProbe } from "../../probe/bundle";
import { busyboxRootfs, type BusyboxRootfs, dockerEngineUnavailable } from "./host";
import { engine, importImage, printReport, removeImage, runLab, testPlan } from "./run-lab";

const IMAGE = `cnilab-test-busybox-ov:${process.pid}`;
const BOUND_MS = 30_000;
const sh = (file: string, args: string[]) => execFileSync(file, args, { timeout: BOUND_MS, stdio: "pipe" }).toString();
const swarmState = () => (JSON.parse(sh("docker", ["info", "--format", "{{json .Swarm}}"])) as { LocalNodeState: string }).LocalNodeState;

const engineMissing = dockerEngineUnavailable();
const stateAtStart = engineMissing ? undefined : swarmState();
const rootfs = engineMissing || stateAtStart !== "inactive" ? undefined : busyboxRootfs();
const missing =
  engineMissing ??
  (stateAtStart !== "inactive" ? `the daemon is in swarm state '${stateAtStart}': this test only runs on a daemon outside swarm mode, and leaves it alone` : undefined) ??
  (typeof rootfs === "string" ? rootfs : undefined);
if (missing) console.warn(`[skip] overlay lab for real: ${missing}`);

const plan = testPlan("overlay", "");
const { name: _name, ...swarmArgs } = plan.swarm!;
const inputs: DockerSwarmInputs = swarmArgs;

/** What Docker built for the overlay, read while the lab stands, through the parsers `verify` uses. */
async function overlaySeen(ids: Map<string, string>): Promise<OverlayEvidence & { bridgeAddress: string }> {
  const network = plan.networks[0]!.name;
  const [inspect] = JSON.parse(sh("docker", ["network", "inspect", network])) as { Id: string; Options: Record<string, string> }[];
  const netns = overlayNetns(inspect!.Id, readdirSync(OVERLAY_NETNS_DIR))!;
  const vxlan = parseVxlan(sh("nsenter", [`--net=${netns}`, "ip", "-j", "-d", "-s", "link", "show", "type", "vxlan"]))!;
  const br = JSON.parse(sh("nsenter", [`--net=${netns}`, "ip", "-j", "addr", "show", "dev", vxlan.master])) as { addr_info: { family: string; local: string; prefixlen: number }[] }[];
  const v4 = br[0]!.addr_info.find((a) => a.family === "inet")!;
  // busybox's `ip` in the server container, as `verify` reads it.
  const exec = await engine.json<{ Id: string }>("POST", `/containers/${ids.get("web")}/exec`, { Cmd: ["ip", "-o", "link", "show", "eth0"], AttachStdout: true, Tty: true });
  const eth0 = (await engine.call("POST", `/exec/${exec.Id}/start`, { Detach: false, Tty: true })).body.toString();
  return { network, vni: inspect!.Options[VNI_OPTION]!, netns, vxlan, containerMtu: parseMtu(eth0)!, unread: [], bridgeAddress: `${v4.local}/${v4.prefixlen}` };
}

describe.skipIf(missing !== undefined)("the overlay lab on the real engine (single-node swarm)", () => {
  beforeAll(() => importImage(IMAGE, rootfs as BusyboxRootfs), 90_000);

  afterAll(async () => {
    await engine.removeLabelled("cnilab.name", plan.name).catch(() => undefined);
    // Never leave swarm mode behind: it was inactive when the file started.
    if (swarmState() !== "inactive") sh("docker", ["swarm", "leave", "--force"]);
    await removeImage(IMAGE, rootfs);
  }, 60_000);

  it("refuses, politely, a swarm it did not make, and leaves it alone", async () => {
    sh("docker", ["swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377"]);
    try {
      await expect(dockerSwarmProvider.create(inputs)).rejects.toThrow(/already a swarm manager .* of a swarm this stack did not make.*will not join, change or leave someone else's/s);
      expect(swarmState()).toBe("active");
    } finally {
      sh("docker", ["swarm", "leave", "--force"]);
    }
  }, 60_000);

  it("makes a labelled single-node swarm, runs the lab on an overlay (VNI, VXLAN device, MTU 1450 seen), and leaves swarm mode as it found it", async () => {
    const { id, outs } = await dockerSwarmProvider.create(inputs);
    let seen: OverlayEvidence & { bridgeAddress: string };
    try {
      expect(swarmState()).toBe("active");
      expect((await dockerSwarmProvider.read!(id, outs as DockerSwarmOutputs)).id).toBe(id);
      const run = await runLab({ ...testPlan("overlay", bundleProbe()) }, IMAGE, overlaySeen);
      printReport(run);
      seen = run.seen;
      console.log(`overlay: ${JSON.stringify(seen)}`);
      expect(run.exitCodes).toEqual({ client: 0 });
      expect(Object.fromEntries(run.report.probes.map((p) => [p.id, p.observed]))).toEqual({
        "client->web:80/tcp": "connected",
        "client->web:80/http": "connected",
        "client->host:7411/tcp": "skipped",
      });
    } finally {
      await dockerSwarmProvider.delete!(id, outs as DockerSwarmOutputs);
    }
    expect(swarmState()).toBe("inactive");
    expect((await dockerSwarmProvider.read!(id, outs as DockerSwarmOutputs)).id).toBe("");
    // What this machine showed, against the facts: the first network after ingress (4096) gets 4097.
    expect(seen.vni).toBe(String(OVERLAY_VXLAN.firstVni + 1));
    expect(seen.vxlan).toEqual({ ifname: "vxlan0", mtu: OVERLAY_VXLAN.mtu, master: "br0", vni: OVERLAY_VXLAN.firstVni + 1, port: OVERLAY_VXLAN.port, txPackets: 0 });
    expect(seen.bridgeAddress).toBe("10.1.216.1/24");
    expect(seen.containerMtu).toBe(OVERLAY_VXLAN.mtu);
    console.log(overlayLines(seen).join("\n"));
    // The overlay network went with the lab; its namespace file is removed later by libnetwork's
    // garbage collection (osl/namespace_linux.go gpmCleanupPeriod = 60 s, moby v20.10.24), so not checked here.
    expect(sh("docker", ["network", "ls", "--filter", `name=${plan.networks[0]!.name}`, "-q"]).trim()).toBe("");
  }, 120_000);
});
