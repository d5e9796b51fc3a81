/**
 * IPVS mode on hand-written listings of one IPVS table in both forms a node can print: `ipvsadm -Ln`
 * (its layout as kubernetes/kubernetes v1.34.0 pkg/proxy/ipvs/README.md shows it) and /proc/net/ip_vs
 * (hex addresses, torvalds/linux net/netfilter/ipvs/ip_vs_ctl.c ip_vs_info_seq_show). This kernel has
 * no IPVS, so neither can be recorded here.
 */
import { describe, expect, it } from "vitest";
import { explainService } from "../../kube-proxy/explain";
import { describeBackends } from "../../kube-proxy/explanation";
import { decodeAddress, parseIpvsList } from "../../kube-proxy/ipvs-list";
import { fixture, view } from "./fixtures";

const IPVSADM = fixture("ipvsadm-Ln.txt");
const PROC = fixture("proc-net-ip_vs.txt");
const explain = (v: ReturnType<typeof view>, text = IPVSADM) => explainService(v, "ipvs", "lab-worker", "ipvsadm -Ln", text);

describe("IPVS listings", () => {
  it("hex address:port → dotted", () => {
    expect(decodeAddress("0A60000A:0035")).toBe("10.96.0.10:53");
    expect(decodeAddress("AC120003:192B")).toBe("172.18.0.3:6443");
    expect(decodeAddress("10.96.0.1:443")).toBe("10.96.0.1:443");
  });

  it("ipvsadm -Ln and /proc/net/ip_vs of one table parse to the same servers", () => {
    const strip = (list: ReturnType<typeof parseIpvsList>) => list.map(({ text: _t, reals, ...v }) => ({ ...v, reals: reals.map(({ text: _r, ...r }) => r) }));
    const a = parseIpvsList(IPVSADM);
    expect(strip(parseIpvsList(PROC))).toEqual(strip(a));
    expect(a.map((v) => `${v.protocol} ${v.address} ${v.scheduler} ${v.reals.length}`)).toEqual([
      "TCP 10.96.0.1:443 rr 1",
      "UDP 10.96.0.10:53 rr 2",
      "TCP 10.96.0.10:53 rr 2",
      "TCP 10.96.120.7:80 rr 4",
      "TCP 172.18.0.4:30080 rr 4",
      "TCP 10.96.33.5:80 rr 0",
    ]);
    expect(a[3]!.reals[3]).toMatchObject({ address: "10.244.1.7:8080", forward: "Masq", weight: 0, activeConn: 0, inactConn: 4 });
  });
});

describe("explain service, ipvs mode", () => {
  it("default/echo: virtual server rr over 3 real servers at weight 1, a 4th draining at weight 0", () => {
    const [http] = explain(view("default", "echo")).ports;
    expect(http!.frontends.map((f) => [f.kind, f.address])).toEqual([["cluster IP", "10.96.120.7:80"], ["node port", "172.18.0.4:30080"]]);
    expect(http!.dispatch).toBe("virtual server 10.96.120.7:80 (rr)");
    expect(http!.backends.map((b) => [b.target, b.pick, b.endpoint?.pod ?? "-"])).toEqual([
      ["10.244.1.2:8080", "weight 1, Masq", "default/echo-5d9c7b8f6-aaaaa"],
      ["10.244.2.2:8080", "weight 1, Masq", "default/echo-5d9c7b8f6-bbbbb"],
      ["10.244.2.3:8080", "weight 1, Masq", "default/echo-5d9c7b8f6-ccccc"],
      ["10.244.1.7:8080", "weight 0 (terminating: no new connections), Masq", "-"],
    ]);
    expect(describeBackends(http!)).toBe("3 endpoints, each chosen with p=0.3333 (1/3); 1 more draining (no new connections)");
    // The weight-0 real server is no longer in the slices: draining, not stale.
    expect(http!.problems).toEqual([]);
  });

  it("the same explanation from /proc/net/ip_vs", () => {
    const fromProc = explain(view("default", "echo"), PROC).ports[0]!;
    const fromIpvsadm = explain(view("default", "echo")).ports[0]!;
    expect(fromProc.backends.map((b) => [b.target, b.share])).toEqual(fromIpvsadm.backends.map((b) => [b.target, b.share]));
  });

  it("default/empty: a virtual server with no real server", () => {
    const [p] = explain(view("default", "empty")).ports;
    expect(p!.refused).toEqual(["virtual server 10.96.33.5:80 has no real server: new connections find no backend"]);
    expect(describeBackends(p!)).toBe("no endpoints: new connections are refused");
  });

  it("ClientIP affinity is the persistent flag; an unweighted scheduler is said so", () => {
    const text = "TCP  10.96.120.7:80 lc persistent 10800\n  -> 10.244.1.2:8080              Masq    1      0          0\n";
    const [p] = explain(view("default", "echo"), text).ports;
    expect(p!.notes).toEqual([
      "ClientIP session affinity: persistent 10800 s, a client goes back to the same real server",
      "scheduler lc: the split follows live connection counts or hashing; the shares below are the weights'",
    ]);
    expect(p!.problems).toEqual(["endpoint 10.244.2.2:8080 (default/echo-5d9c7b8f6-bbbbb) is ready but no rule sends traffic to it", "endpoint 10.244.2.3:8080 (default/echo-5d9c7b8f6-ccccc) is ready but no rule sends traffic to it"]);
  });
});
