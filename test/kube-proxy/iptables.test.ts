/**
 * iptables mode on iptables-save output recorded from real iptables 1.8.9 (fixtures/iptables-save.txt:
 * cluster.ts's rules restored into a network namespace and saved back, see iptables.real.test.ts).
 * Expected values are read off the recorded text, not computed.
 */
import { describe, expect, it } from "vitest";
import { explainService } from "../../kube-proxy/explain";
import { describeBackends } from "../../kube-proxy/explanation";
import { option, parseIptablesSave, splitArgs } from "../../kube-proxy/iptables-save";
import { fixture, view } from "./fixtures";

const SAVE = fixture("iptables-save.txt");
const explain = (v: ReturnType<typeof view>, text = SAVE) => explainService(v, "iptables", "lab-worker", "iptables-save", text);

describe("iptables-save parser", () => {
  it("splits quoted comments and keeps negations", () => {
    expect(splitArgs(`-s 10.0.0.1/32 -m comment --comment "a b \\"c\\"" ! -d 1.2.3.4 -j X`)).toEqual(["-s", "10.0.0.1/32", "-m", "comment", "--comment", 'a b "c"', "!", "-d", "1.2.3.4", "-j", "X"]);
  });

  it("reads both tables, every chain and every rule", () => {
    const save = parseIptablesSave(SAVE);
    expect([...save.keys()]).toEqual(["filter", "nat"]);
    expect(save.get("nat")!.chains.has("KUBE-SVC-ZJMBFACUQCTMIK2C")).toBe(true);
    expect(save.get("nat")!.rules).toHaveLength(SAVE.split("\n").filter((l) => l.startsWith("-A ")).length - save.get("filter")!.rules.length);
    const masq = save.get("nat")!.rules.find((r) => r.chain === "KUBE-SVC-ZJMBFACUQCTMIK2C" && r.args.includes("KUBE-MARK-MASQ"))!;
    // "! -s 10.244.0.0/16" is a negated match: no plain -s value.
    expect(option(masq, "-s")).toBeUndefined();
    expect(option(masq, "-d")).toBe("10.96.120.7/32");
  });
});

describe("explain service, iptables mode", () => {
  it("default/echo: cluster IP and NodePort → KUBE-SVC → 3 KUBE-SEP chains, 1/3 each, DNAT to the pods", () => {
    const [http] = explain(view("default", "echo")).ports;
    expect(http!.frontends.map((f) => [f.kind, f.address])).toEqual([["cluster IP", "10.96.120.7:80"], ["node port", "*:30080"]]);
    expect(http!.dispatch).toBe("KUBE-SVC-ZJMBFACUQCTMIK2C");
    expect(http!.backends.map((b) => [b.pick, b.via, b.target, b.endpoint?.pod, b.endpoint?.node])).toEqual([
      ["p=0.33333333349", "KUBE-SEP-L6VFHHP5QEPN7F6C", "10.244.1.2:8080", "default/echo-5d9c7b8f6-aaaaa", "lab-worker"],
      ["p=0.50000000000", "KUBE-SEP-33VB4D3K2YEWWHIZ", "10.244.2.2:8080", "default/echo-5d9c7b8f6-bbbbb", "lab-worker2"],
      ["the rest", "KUBE-SEP-DXNB5PCBZSNK34QM", "10.244.2.3:8080", "default/echo-5d9c7b8f6-ccccc", "lab-worker2"],
    ]);
    for (const b of http!.backends) expect(b.share).toBeCloseTo(1 / 3, 6);
    expect(describeBackends(http!)).toBe("3 endpoints, each chosen with p=0.3333 (1/3)");
    expect(http!.notes.join("\n")).toContain("! -s 10.244.0.0/16 -d 10.96.120.7/32");
    expect(http!.problems).toEqual([]);
  });

  it("kube-system/kube-dns: each port (UDP and TCP 53) its own chain, 2 endpoints with p=0.5", () => {
    const x = explain(view("kube-system", "kube-dns"));
    expect(x.ports.map((p) => [p.portName, p.dispatch, describeBackends(p)])).toEqual([
      ["kube-system/kube-dns:dns", "KUBE-SVC-TCOU7JCQXEZGVUNU", "2 endpoints, each chosen with p=0.5 (1/2)"],
      ["kube-system/kube-dns:dns-tcp", "KUBE-SVC-ERIFXISQEP7F7OF4", "2 endpoints, each chosen with p=0.5 (1/2)"],
    ]);
    expect(x.missing).toBeUndefined();
  });

  it("default/empty: no endpoints is a filter REJECT, no nat chain", () => {
    const [p] = explain(view("default", "empty")).ports;
    expect(p!.backends).toEqual([]);
    expect(p!.dispatch).toBeUndefined();
    expect(p!.refused).toEqual([
      `REJECT by filter -A KUBE-SERVICES -d 10.96.33.5/32 -p tcp -m comment --comment "default/empty has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable`,
    ]);
    expect(describeBackends(p!)).toBe("no endpoints: new connections are refused");
  });

  it("an endpoint the slices list but no rule serves, and a rule to an address no slice lists, are problems", () => {
    const x = explain(
      view("default", "echo", (slices) => [
        { ...slices[0]!, endpoints: [...slices[0]!.endpoints!.slice(1), { addresses: ["10.244.1.9"], conditions: { ready: true }, nodeName: "lab-worker", targetRef: { kind: "Pod", name: "echo-new" } }] },
      ]),
    );
    expect(x.ports[0]!.problems).toEqual([
      "endpoint 10.244.1.9:8080 (default/echo-new) is ready but no rule sends traffic to it",
      "KUBE-SEP-L6VFHHP5QEPN7F6C sends traffic to 10.244.1.2:8080, which no EndpointSlice of the Service lists (a stale rule)",
    ]);
  });

  // The expected name is Python's base64.b32encode(sha256(b"default/echo:httptcp10.244.1.9:8080"))[:16].
  it("a KUBE-SEP chain whose DNAT is not the endpoint its name hashes is a problem", () => {
    const edited = SAVE.replace("--to-destination 10.244.1.2:8080", "--to-destination 10.244.1.9:8080");
    expect(explain(view("default", "echo"), edited).ports[0]!.problems).toEqual([
      "KUBE-SEP-L6VFHHP5QEPN7F6C DNATs to 10.244.1.9:8080, but kube-proxy would name that endpoint's chain KUBE-SEP-3BZ3BWX5XGUQSRUK",
      "endpoint 10.244.1.2:8080 (default/echo-5d9c7b8f6-aaaaa) is ready but no rule sends traffic to it",
      "KUBE-SEP-L6VFHHP5QEPN7F6C sends traffic to 10.244.1.9:8080, which no EndpointSlice of the Service lists (a stale rule)",
    ]);
  });

  it("a node without KUBE-SERVICES says kube-proxy is not in iptables mode there", () => {
    const empty = "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n";
    const x = explain(view("default", "echo"), empty);
    expect(x.missing).toBe("node lab-worker has no KUBE-SERVICES chain in iptables-save: kube-proxy is not running in iptables mode there");
    expect(x.ports[0]!.problems).toHaveLength(3);
  });
});
