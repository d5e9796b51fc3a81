/** The readers of `ip -j` (fixtures recorded from iproute2 6.1) and of crictl's JSON, tested as data. */
import { describe, expect, it } from "vitest";
import { parseCrictlPods, parseInspectp, pickSandbox } from "../../pod-net/crictl";
import { formatRoute, parseIpAddr, parseIpRoute } from "../../ip/iproute2";
import { fixture } from "./fixtures";

describe("ip -j -d addr show", () => {
  it("a ptp pod's eth0: a veth whose peer index is in another namespace", () => {
    const eth0 = parseIpAddr(fixture("ptp/pod-addr.json")).find((l) => l.name === "eth0");
    expect(eth0).toEqual({
      index: 2,
      name: "eth0",
      kind: "veth",
      mtu: 1500,
      mac: "0a:58:0a:f4:00:05",
      state: "UP",
      linkIndex: 3,
      linkInOtherNetns: true,
      addresses: [
        { family: "inet", cidr: "10.244.1.5/24", scope: "global" },
        { family: "inet6", cidr: "fe80::858:aff:fef4:5/64", scope: "link" },
      ],
    });
  });

  it("the node end of a flannel pod: a veth port of cni0; the macvlan pod's eth0: its mode and parent", () => {
    const node = parseIpAddr(fixture("bridge/node-addr.json"));
    expect(node.map((l) => [l.name, l.kind, l.master ?? "-", l.mtu])).toEqual([
      ["lo", "device", "-", 65536],
      ["eth0", "veth", "-", 1500],
      ["veth3f1c9a2e", "veth", "cni0", 1450],
      ["cni0", "bridge", "-", 1450],
    ]);
    const mv = parseIpAddr(fixture("macvlan/pod-addr.json")).find((l) => l.name === "eth0")!;
    expect([mv.kind, mv.mode, mv.linkIndex, mv.linkInOtherNetns]).toEqual(["macvlan", "bridge", 2, true]);
  });

  it("refuses what is not a JSON list, naming the command", () => {
    expect(() => parseIpAddr("Object \"addr\" is unknown")).toThrow(/^`ip -j -d addr show` printed no JSON/);
    expect(() => parseIpAddr("{}")).toThrow("`ip -j -d addr show` printed JSON that is not a list: {}");
  });
});

describe("ip -j route show", () => {
  it("routes read back in the words ip route prints", () => {
    expect(parseIpRoute(fixture("ptp/pod-route.json")).map(formatRoute)).toEqual(["default via 10.244.1.1 dev eth0 onlink", "10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.5"]);
    expect(parseIpRoute(fixture("ptp/node-route.json")).map(formatRoute)).toEqual(["10.244.1.5 dev veth1a2b3c4d scope host", "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.3"]);
  });
});

describe("crictl", () => {
  it("pods -o json: the ready sandbox of the uid, else the newest", () => {
    const pods = parseCrictlPods(fixture("crictl-pods.json"));
    expect(pods.map((p) => [p.id.slice(0, 4), p.ready, p.createdAt])).toEqual([
      ["5b0e", true, 1764480000000000000n],
      ["9a1f", false, 1764479000000000000n],
    ]);
    expect(pickSandbox(pods, "0d3c7f52-4a8e-4f1b-9c26-7e5d1a2b3c4d")?.id.slice(0, 4)).toBe("5b0e");
    const notReady = pods.map((p) => ({ ...p, ready: false }));
    expect(pickSandbox(notReady, "0d3c7f52-4a8e-4f1b-9c26-7e5d1a2b3c4d")?.id.slice(0, 4)).toBe("5b0e");
    expect(pickSandbox(pods, "another-uid")).toBeUndefined();
  });

  it("inspectp -o json: the pause image, its pid, the netns path and the IP", () => {
    expect(parseInspectp(fixture("crictl-inspectp.json"))).toEqual({
      id: "5b0e4c7a9d3f21e8c6a4b2f0d9e7c5a3b1f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5",
      ready: true,
      ip: "10.244.1.5",
      pid: 4242,
      processStatus: "running",
      image: "registry.k8s.io/pause:3.10",
      netnsPath: "/var/run/netns/cni-6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      netnsClosed: false,
    });
    // A sandbox whose task is gone: pid 0, no namespace entry, state NOTREADY.
    expect(parseInspectp('{"status":{"id":"x","state":"SANDBOX_NOTREADY","network":{"ip":""}},"info":{"pid":0,"processStatus":"deleted","netNamespaceClosed":true}}')).toEqual({
      id: "x",
      ready: false,
      processStatus: "deleted",
      netnsClosed: true,
    });
    expect(() => parseInspectp("[]", "crictl inspectp -o json abc")).toThrow("`crictl inspectp -o json abc` printed JSON that is not an object: []");
  });
});
