import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDockerStats, parseSize } from "../../perf/docker-stats";
import { parseLinks, parseRoutes } from "../../perf/facts";
import { pairSamples, parseIperfLog, parseRrLog } from "../../perf/parse";

/**
 * Fixtures recorded on this project's machine (iperf 3.12, Node 24, kernel 6.18): the client script
 * (perf/script.ts) and cnilab-rr run in one network namespace against servers in another, joined by a
 * veth pair with MTU 1450; iperf-timeout/rr-timeout aimed at an address nobody answers. docker-stats
 * is `docker stats --no-stream --format '{{json .}}'` of three containers labelled like kind nodes;
 * node-links/node-routes are `ip -j -d link show` / `ip route show` of a namespace wired like a
 * flannel VXLAN node (flannel.1, cni0, one pod veth).
 */
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("iperf3 client script logs", () => {
  it("reads every run of a quick log: Gbit/s from end.sum_received, host CPU-s per Gbit, the MTU", () => {
    const log = parseIperfLog(fixture("iperf-quick.log"));
    expect(log.problems).toEqual([]);
    expect(log.mtu).toBe(1450);
    expect(log.runs.map((r) => [r.test, r.rep, Number(r.gbitPerSecond.toFixed(3)), Number(r.cpuPerGbit.toFixed(4))])).toEqual([
      ["tcp-1", 0, 13.766, 0.1438],
      ["tcp-1", 1, 13.203, 0.1361],
      ["tcp-1", 2, 10.729, 0.1861],
      ["tcp-1", 3, 10.693, 0.1865],
    ]);
  });

  it("reads 4-stream runs (the sum over streams)", () => {
    const log = parseIperfLog(fixture("iperf-full.log"));
    expect(log.problems).toEqual([]);
    expect(log.runs.filter((r) => r.test === "tcp-4").map((r) => Number(r.gbitPerSecond.toFixed(2)))).toEqual([10.35, 11.97, 13.14]);
  });

  it("turns iperf3's error object into a named problem, never a zero", () => {
    const log = parseIperfLog(fixture("iperf-timeout.log"));
    expect(log.runs).toEqual([]);
    expect(log.problems).toEqual(["tcp-1 rep 0: iperf3: unable to connect to server: Connection timed out (exit 0)"]);
  });

  it("a log cut off inside a run, or garbled JSON, is a problem", () => {
    const full = fixture("iperf-quick.log");
    const cut = full.slice(0, full.indexOf("@@cnilab-perf end tcp-1 3"));
    expect(parseIperfLog(cut).problems).toEqual(["tcp-1 rep 3: the log ends inside the run (was the pod stopped?)"]);
    const garbled = full.replace('"sum_received"', '"sum_receivd"');
    expect(parseIperfLog(garbled).problems[0]).toMatch(/^tcp-1 rep 0: iperf3 -J output has no end.sum_received/);
  });
});

describe("cnilab-rr logs", () => {
  it("reads half round trips and connection rates", () => {
    const log = parseRrLog(fixture("rr-full.log"));
    expect(log.done).toBe(true);
    expect(log.problems).toEqual([]);
    expect(log.runs.filter((r) => r.test === "tcp-rr").map((r) => r.p50Us)).toEqual([5.762, 5.519, 5.6465, 5.6295]);
    expect(log.runs.filter((r) => r.test === "tcp-crr").map((r) => Math.round(r.connectRate!))).toEqual([10850, 15567, 15601, 13451]);
  });

  it("an error line and a missing final line are problems", () => {
    expect(parseRrLog(fixture("rr-timeout.log")).problems).toEqual(["tcp-rr rep 1: connect to 10.99.0.9:5300 timed out after 3000 ms"]);
    const cut = fixture("rr-full.log").split("\n").slice(0, 3).join("\n");
    expect(parseRrLog(cut).problems).toEqual(["cnilab-rr's log ends before its final line (was the pod stopped?)"]);
  });

  it("samples drop warm-ups and carry units", () => {
    const samples = pairSamples("flannel-vxlan", "pod-pod-cross-node", parseIperfLog(fixture("iperf-quick.log")), parseRrLog(fixture("rr-full.log")));
    expect(samples.filter((s) => s.labels.rep === 0)).toEqual([]);
    expect(samples.filter((s) => s.labels.metric === "throughput").map((s) => s.unit)).toEqual(["Gbit/s", "Gbit/s", "Gbit/s"]);
    expect(samples.filter((s) => s.labels.metric === "connect-rate").map((s) => [s.labels.test, s.labels.rep, Math.round(s.value), s.unit])).toEqual([
      ["tcp-crr", 1, 15567, "conn/s"],
      ["tcp-crr", 2, 15601, "conn/s"],
      ["tcp-crr", 3, 13451, "conn/s"],
    ]);
  });
});

describe("node facts and footprint", () => {
  it("ip -j -d link: devices with kind, MTU, VXLAN id/port; pod veths counted, with their MTUs", () => {
    const { devices, podInterfaces, podMtus } = parseLinks(fixture("node-links.json"));
    expect(devices).toEqual([
      { name: "eth0", kind: "veth", mtu: 1500 },
      { name: "flannel.1", kind: "vxlan", mtu: 1450, vxlan: { id: 1, port: 8472 } },
      { name: "cni0", kind: "bridge", mtu: 1450 },
    ]);
    expect(podInterfaces).toBe(1);
    expect(podMtus).toEqual([1450]);
    expect(() => parseLinks("Error: Unknown device type.")).toThrow(/^`ip -j -d link show` printed no JSON/);
  });

  it("ip route lines", () => {
    expect(parseRoutes(fixture("node-routes.txt"))).toEqual([
      "default via 172.30.2.1 dev eth0",
      "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1",
      "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink",
      "172.30.2.0/24 dev eth0 proto kernel scope link src 172.30.2.3",
    ]);
  });

  it("docker stats: memory in bytes, CPU percent, sorted by container", () => {
    expect(parseDockerStats(fixture("docker-stats.jsonl"))).toEqual([
      { container: "cnilab-fx-control-plane", memoryBytes: 540 * 1024, cpuPercent: 0 },
      { container: "cnilab-fx-worker", memoryBytes: 396 * 1024, cpuPercent: 0 },
      { container: "cnilab-fx-worker2", memoryBytes: 380 * 1024, cpuPercent: 0 },
    ]);
    expect(parseSize("612.4MiB")).toBeCloseTo(612.4 * 1024 * 1024);
    expect(() => parseSize("12 parsecs")).toThrow("not a docker size: '12 parsecs'");
  });
});
