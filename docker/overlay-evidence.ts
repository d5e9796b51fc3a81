/**
 * What Docker built for an overlay network, read back and set against the overlay facts
 * (docker/drivers-overlay.ts): the VNI from `docker network inspect`, the VXLAN device from the
 * network's own namespace (`ip -j -d -s link show type vxlan` there), and a container's eth0 MTU.
 * Pure: cli/docker-overlay.ts runs the commands, test/docker/overlay.real.test.ts feeds it real output.
 */
import { OVERLAY_VXLAN } from "./drivers-overlay";

/** Docker's option holding an overlay network's VNIs, one per subnet (moby v20.10.24 libnetwork overlay driver). */
export const VNI_OPTION = "com.docker.network.driver.overlay.vxlanid_list";
/** Where Docker keeps the overlay networks' namespaces: `<epoch>-<first 10 characters of the network id>`. */
export const OVERLAY_NETNS_DIR = "/var/run/docker/netns";

export interface VxlanDevice {
  ifname: string;
  mtu: number;
  master: string;
  vni: number;
  port: number;
  txPackets: number;
}

export interface OverlayEvidence {
  network: string;
  vni?: string;
  netns?: string;
  vxlan?: VxlanDevice;
  /** eth0's MTU in a container on the network. */
  containerMtu?: number;
  /** What could not be read, and why. */
  unread: string[];
}

/** The namespace file of a network, from the folder's listing. */
export function overlayNetns(networkId: string, listing: readonly string[]): string | undefined {
  const key = listing.find((f) => f.endsWith(`-${networkId.slice(0, 10)}`));
  return key === undefined ? undefined : `${OVERLAY_NETNS_DIR}/${key}`;
}

/** The first VXLAN device of `ip -j -d -s link show type vxlan`. */
export function parseVxlan(json: string): VxlanDevice | undefined {
  type Link = { ifname: string; mtu: number; master?: string; linkinfo?: { info_data?: { id?: number; port?: number } }; stats64?: { tx?: { packets?: number } } };
  const link = (JSON.parse(json) as Link[])[0];
  if (!link) return undefined;
  const data = link.linkinfo?.info_data ?? {};
  return { ifname: link.ifname, mtu: link.mtu, master: link.master ?? "", vni: data.id ?? 0, port: data.port ?? 0, txPackets: link.stats64?.tx?.packets ?? 0 };
}

/** The eth0 MTU of `ip -o link show eth0` (busybox and iproute2 both print `mtu N`). */
export function parseMtu(text: string): number | undefined {
  const m = /\bmtu (\d+)\b/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The evidence as lines, each beside what the facts say. */
export function overlayLines(e: OverlayEvidence): string[] {
  const { mtu, port, overheadBytes, firstVni } = OVERLAY_VXLAN;
  const lines = [`  ${e.network}: VNI ${e.vni ?? "?"} (${VNI_OPTION}; swarm networks take VNIs from ${firstVni} up, ingress has ${firstVni})`];
  if (e.vxlan) {
    const v = e.vxlan;
    lines.push(
      `  ${e.netns}: ${v.ifname} vxlan id ${v.vni} dstport ${v.port} mtu ${v.mtu}, port of ${v.master} (expected: UDP ${port}, MTU ${mtu} = 1500 − ${overheadBytes})`,
      v.txPackets === 0
        ? `  ${v.ifname} has sent 0 packets: on one node ${v.master} switches between the containers, nothing is encapsulated (only traffic to other nodes would be)`
        : `  ${v.ifname} has sent ${v.txPackets} packets: VXLAN-encapsulated towards other nodes of the swarm`,
    );
  }
  if (e.containerMtu !== undefined) lines.push(`  a container's eth0: mtu ${e.containerMtu}${e.containerMtu === mtu ? "" : ` (expected ${mtu})`}`);
  lines.push(...e.unread.map((u) => `  not read: ${u}`));
  return lines;
}
