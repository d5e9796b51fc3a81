/**
 * IPv4 and IPv6 addresses as bytes, for ipBlock matching. Pod IPs may be of either family (the
 * upstream e2e ipBlock tests build /32 or /128 blocks from the pod's IP), so both are handled; an
 * address never matches a block of the other family.
 */

export interface IpBlockRange {
  bytes: Uint8Array;
  prefix: number;
}

export function parseIp(text: string): Uint8Array | undefined {
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | undefined {
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
        const v4 = parseIpv4(part);
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
