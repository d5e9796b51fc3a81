/**
 * The one IP module against Node's own net.BlockList and net.isIP as the oracle: the planner's
 * IPv4 arithmetic and the policy engine's IPv4/IPv6 ipBlock matching must say what Node says about
 * the same address and CIDR.
 */
import { BlockList, isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containsIp, formatCidr, overlaps, parseCidr, parseIp, parseIpBlockRange, parseIpv4, rangeContains, strictlyInside, type Cidr } from "../../ip/cidr";

const oracle = (net: string, prefix: number, family: "ipv4" | "ipv6") => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return list;
};

/** An aligned IPv4 CIDR as text: an address with its host bits cleared. */
const cidrV4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, prefix]) => {
  const value = parseIpv4(ip)!;
  const size = 2 ** (32 - prefix);
  return formatCidr({ base: value - (value % size), prefix });
});

describe("ip/cidr against node:net", () => {
  it("IPv4: containsIp (planner) and rangeContains (engine) both agree with BlockList", () => {
    fc.assert(
      fc.property(cidrV4, fc.ipV4(), (text, address) => {
        const [net, prefix] = text.split("/");
        const expected = oracle(net!, Number(prefix), "ipv4").check(address, "ipv4");
        expect(containsIp(parseCidr(text) as Cidr, parseIpv4(address)!)).toBe(expected);
        expect(rangeContains(parseIpBlockRange(text) as never, parseIp(address)!)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("IPv6: rangeContains agrees with BlockList, host bits set or not", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 128 }), fc.ipV6(), (net, prefix, address) => {
        const expected = oracle(net, prefix, "ipv6").check(address, "ipv6");
        expect(rangeContains(parseIpBlockRange(`${net}/${prefix}`) as never, parseIp(address)!)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("an address is one we parse exactly when node:net calls it an IP (scoped ones aside: no pod IP has a zone)", () => {
    const text = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 12 }), fc.constantFrom("1.2.3", "256.1.1.1", "1.2.3.4.5", "::1::", "1::2::3", "::ffff:1.2.3.4"));
    expect(parseIp("fe80::1%eth0")).toBeUndefined();
    // Leading zeros: node:net refuses them; the API server's legacy fields read them as decimal
    // (kubernetes/kubernetes vendor/k8s.io/utils/net/parse.go ParseIPSloppy), and so do we.
    expect(parseIp("010.1.1.1")).toEqual(new Uint8Array([10, 1, 1, 1]));
    const leadingZero = /(^|[.:])0\d/;
    fc.assert(
      fc.property(text.filter((t) => !t.includes("%") && !(t.includes(".") && leadingZero.test(t))), (t) => {
        expect(parseIp(t) !== undefined, t).toBe(isIP(t) !== 0);
      }),
      { numRuns: 1000 },
    );
  });

  it("overlaps: two CIDRs overlap exactly when one holds the other's first address", () => {
    fc.assert(
      fc.property(cidrV4, cidrV4, (a, b) => {
        const [an, ap] = a.split("/");
        const [bn, bp] = b.split("/");
        const expected = oracle(an!, Number(ap), "ipv4").check(bn!, "ipv4") || oracle(bn!, Number(bp), "ipv4").check(an!, "ipv4");
        expect(overlaps(parseCidr(a) as Cidr, parseCidr(b) as Cidr)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("never mixes families: an IPv4 address is in no IPv6 block, even ::/0", () => {
    expect(rangeContains(parseIpBlockRange("::/0") as never, parseIp("10.0.0.1")!)).toBe(false);
    expect(strictlyInside(parseIpBlockRange("::/0") as never, parseIpBlockRange("10.0.0.0/8") as never)).toBe(false);
  });
});
