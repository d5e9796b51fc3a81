/** IPv4 CIDR arithmetic for subnets, pod ranges and "never overlap" checks. Pure. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function parseIp(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses "10.244.0.0/16"; a CIDR with host bits set ("10.244.1.0/16") is refused, as kubeadm does. */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR_RE.exec(text);
  if (!m) return `'${text}' is not an IPv4 CIDR like 10.244.0.0/16`;
  const base = parseIp(text.split("/")[0]!);
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
