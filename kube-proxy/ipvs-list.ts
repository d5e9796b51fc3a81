/**
 * The IPVS table as data, from either listing of it:
 * - `ipvsadm -Ln`: `TCP  10.96.0.10:53 rr` then `  -> 10.244.0.3:53   Masq    1      0          0`;
 * - `/proc/net/ip_vs`, which the kernel prints without any tool (kind's node image has no ipvsadm:
 *   kubernetes-sigs/kind v0.30.0 images/base/Dockerfile installs iptables and nftables only): the same
 *   columns with IPv4 addresses and ports in hex, `TCP  0A60000A:0035 rr` and
 *   `  -> 0AF40003:0035      Masq    1      0          0` (torvalds/linux
 *   net/netfilter/ipvs/ip_vs_ctl.c ip_vs_info_seq_show: "%s  %08X:%04X %s ", "persistent %d %08X",
 *   "  -> %08X:%04X      %-7s %-6d %-10d %-10d").
 * Firewall-mark services (FWM) are kept with their mark as address. Pure.
 */

export interface RealServer {
  /** ip:port */
  address: string;
  /** Masq (NAT, what kube-proxy uses), Route, Tunnel, Local. */
  forward: string;
  weight: number;
  activeConn: number;
  inactConn: number;
  /** The line as printed. */
  text: string;
}

export interface VirtualServer {
  protocol: string;
  /** ip:port, or the mark of an FWM service. */
  address: string;
  scheduler: string;
  /** "persistent 10800" when set. */
  flags: string;
  text: string;
  reals: RealServer[];
}

/** "0A60000A:0035" → "10.96.0.10:53"; dotted addresses pass through. */
export function decodeAddress(text: string): string {
  const m = /^([0-9A-F]{8}):([0-9A-F]{4})$/.exec(text);
  if (!m) return text;
  const n = parseInt(m[1]!, 16);
  return `${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".")}:${parseInt(m[2]!, 16)}`;
}

const SERVICE = /^(TCP|UDP|SCTP|FWM)\s+(\S+)\s+(\S+)\s*(.*)$/;
const REAL = /^->\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)/;

export function parseIpvsList(text: string): VirtualServer[] {
  const servers: VirtualServer[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const s = SERVICE.exec(line);
    if (s) {
      servers.push({ protocol: s[1]!, address: decodeAddress(s[2]!), scheduler: s[3]!, flags: s[4]!.trim(), text: line, reals: [] });
      continue;
    }
    const r = REAL.exec(line);
    // The header's "-> RemoteAddress:Port" line has no numbers, so REAL does not match it.
    if (r && servers.length > 0) {
      servers[servers.length - 1]!.reals.push({ address: decodeAddress(r[1]!), forward: r[2]!, weight: Number(r[3]), activeConn: Number(r[4]), inactConn: Number(r[5]), text: line });
    }
  }
  return servers;
}
