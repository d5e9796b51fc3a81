/**
 * Every IP address and CIDR rule, once. Pure.
 * - IPv4 CIDR arithmetic as unsigned 32-bit integers, for the subnets and pod ranges we plan and
 *   the "never overlap" checks: `Cidr`, `parseCidr` (host bits refused), `subnet`, `host`, ….
 * - IPv4 and IPv6 addresses as bytes, for NetworkPolicy ipBlock matching: pod IPs may be of either
 *   family (the upstream e2e ipBlock tests build /32 or /128 blocks from the pod's IP); an address
 *   never matches a block of the other family: `IpBlockRange`, `parseIpBlockRange` (host bits
 *   allowed, as the API's legacy CIDR fields), `rangeContains`, `strictlyInside`.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** "10.0.0.1" → its four bytes; anything else (a fifth part, an octet above 255, "01x") → undefined. */
function ipv4Bytes(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    out[i] = Number(part);
  }
  return out;
}

/** An IPv4 address as an unsigned 32-bit integer. */
export function parseIpv4(text: string): number | undefined {
  const bytes = ipv4Bytes(text);
  return bytes === undefined ? undefined : bytes.reduce((value, b) => value * 256 + b, 0);
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses "10.244.0.0/16"; a CIDR with host bits set ("10.244.1.0/16") is refused, as kubeadm does. */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR_RE.exec(text);
  if (!m) return `'${text}' is not an IPv4 CIDR like 10.244.0.0/16`;
  const base = parseIpv4(text.split("/")[0]!);
  const prefix = Number(m[5]);
  if (base === undefined) return `'${text}' has an octet above 255`;
  if (prefix > 32) return `'${text}' has a prefix length above 32`;
  if (base % size({ base, prefix }) !== 0) {
    const fixed = formatCidr({ base: base - (base % size({ base, prefix })), prefix });
    return `'${text}' has host bits set (did you mean ${fixed}?)`;
  }
  return { base, prefix };
}

export function mustParseCidr(text: string): Cidr {
  const c = parseCidr(text);
  if (typeof c === "string") throw new Error(c);
  return c;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

export function containsIp(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + size(c);
}

/** The index-th subnet of length `prefix` inside `parent` (10.244.0.0/16, 24, 3 → 10.244.3.0/24). */
export function subnet(parent: Cidr, prefix: number, index: number): Cidr {
  if (prefix < parent.prefix) throw new Error(`cannot cut a /${prefix} out of ${formatCidr(parent)}`);
  const count = 2 ** (prefix - parent.prefix);
  if (index < 0 || index >= count) {
    throw new Error(`${formatCidr(parent)} holds ${count} /${prefix} subnets; index ${index} is outside`);
  }
  return { base: parent.base + index * 2 ** (32 - prefix), prefix };
}

/** The n-th address inside a CIDR (host 1 is the first usable address). */
export function host(c: Cidr, n: number): string {
  return formatIp(c.base + n);
}

export interface IpBlockRange {
  bytes: Uint8Array;
  prefix: number;
}

/** An IPv4 or IPv6 address as its 4 or 16 bytes. */
export function parseIp(text: string): Uint8Array | undefined {
  return text.includes(":") ? parseIpv6(text) : ipv4Bytes(text);
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    const parts = half.split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes(".")) {
        const v4 = ipv4Bytes(part);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Parses "10.0.0.0/8" or "fd00::/64"; host bits may be set, as the API's legacy CIDR fields allow. */
export function parseIpBlockRange(text: string): IpBlockRange | string {
  const slash = text.indexOf("/");
  if (slash < 0) return `${JSON.stringify(text)} is not a CIDR (write an address with a prefix length, e.g. ${text}/32)`;
  const bytes = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!bytes) return `${JSON.stringify(text)} does not start with an IPv4 or IPv6 address`;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bytes.length * 8) {
    return `${JSON.stringify(text)} has a prefix length outside 0..${bytes.length * 8}`;
  }
  return { bytes, prefix: Number(prefixText) };
}

export function rangeContains(range: IpBlockRange, ip: Uint8Array): boolean {
  if (range.bytes.length !== ip.length) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((range.bytes[i]! & mask) !== (ip[i]! & mask)) return false;
  }
  return true;
}

/** True when `inner` lies inside `outer` and is strictly smaller (the API's rule for `except`). */
export function strictlyInside(outer: IpBlockRange, inner: IpBlockRange): boolean {
  return inner.prefix > outer.prefix && rangeContains(outer, inner.bytes);
}
