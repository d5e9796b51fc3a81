/**
 * flannel udp's forwarder for real (root, namespaces, a C compiler): it is the only thing between the
 * nodes' TUN devices, it answers an address no node owns as flanneld does, and `down` leaves no
 * process behind. Only addresses inside the lab's own namespaces are contacted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { forwarderUnavailable } from "../../datapath/daemons";
import { runIn, startIn } from "../../datapath/exec";
import { labDown, labUp } from "../../datapath/lab";
import { LISTENER_JS } from "../../datapath/scripts";
import { LAB_DEFAULTS } from "../../datapath/topology";
import { netnsUnavailable, probeOutcomes } from "../helpers/netns";

const skip = netnsUnavailable() ?? forwarderUnavailable();
if (skip) console.warn(`[skip] udp forwarder tests: ${skip}`);
const state = mkdtempSync(join(tmpdir(), "cnilab-dp-udp-"));

async function pidsIn(netns: string): Promise<number[]> {
  return (await runIn(null, ["ip", "netns", "pids", netns])).stdout.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number);
}

/** A process is gone once /proc has no entry for it (reaped) or only a zombie's. */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || / Z /.test(readFileSync(stat, "utf8"));
}

describe.skipIf(skip !== undefined)("flannel udp: the forwarder in user space", () => {
  afterAll(async () => {
    await labDown("flannel-udp", state);
    rmSync(state, { recursive: true, force: true });
  });

  it("carries every cross-node packet, answers an unowned address like flanneld, and dies with the lab", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cnilab-dp-udp-probe-"));
    const listeners: ReturnType<typeof startIn>[] = [];
    let forwarders: number[] = [];
    try {
      const up = await labUp("flannel-udp", LAB_DEFAULTS, state);
      if (up.status !== "up") throw new Error(`flannel-udp not up: ${JSON.stringify(up)}`);
      const [n1, n2] = up.plan.topology.nodes as [(typeof up.plan.topology.nodes)[0], (typeof up.plan.topology.nodes)[0]];
      forwarders = [...(await pidsIn(n1.netns)), ...(await pidsIn(n2.netns))];
      // One forwarder per node and nothing else running there.
      expect(forwarders.map((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim())).toEqual(["cnilab-udp-forw", "cnilab-udp-forw"]);

      writeFileSync(join(dir, "listener.js"), LISTENER_JS);
      const [client, sameNode, otherNode] = [n1.pods[0]!, n1.pods[1]!, n2.pods[0]!];
      for (const p of [sameNode, otherNode]) listeners.push(startIn(p.netns, [process.execPath, join(dir, "listener.js"), p.name, "8080", "30000"]));
      await Promise.all(listeners.map((l) => l.waitFor("listening", 10_000)));
      const unowned = { name: "unowned", address: "10.244.99.9" };
      const targets = [{ name: sameNode.name, address: sameNode.address }, { name: otherNode.name, address: otherNode.address }, unowned];

      // The forwarder answers ICMP net unreachable from flannel0's own address, as flanneld's proxy
      // does; the node's kernel drops it as a martian source (a local address arriving from outside)
      // unless accept_local is on, which flanneld never sets: the client only times out.
      expect(await probeOutcomes(dir, client.netns, targets)).toEqual(["connected", "connected", "timeout"]);
      await runIn(n1.netns, ["sysctl", "-qw", "net.ipv4.conf.flannel0.accept_local=1"]);
      expect(await probeOutcomes(dir, client.netns, [unowned])).toEqual(["no-route"]);

      // Without n1's forwarder nothing leaves n1 for the other node; pods on one node still meet on cni0.
      process.kill(forwarders[0]!, "SIGKILL");
      expect(await probeOutcomes(dir, client.netns, targets.slice(0, 2))).toEqual(["connected", "timeout"]);
    } finally {
      await Promise.all(listeners.map((l) => l.stop()));
      await labDown("flannel-udp", state);
      rmSync(dir, { recursive: true, force: true });
    }
    // Bounded wait for the kernel and our own process to reap what `down` killed.
    for (let i = 0; i < 50 && !forwarders.every(gone); i++) await new Promise((r) => setTimeout(r, 100));
    expect(forwarders.filter((pid) => !gone(pid))).toEqual([]);
  }, 60_000);
});
