/**
 * nftables mode on `nft list table ip kube-proxy` output recorded from real nftables 1.0.6
 * (fixtures/nft-list-table.txt: cluster.ts's `add …` lines loaded into a network namespace and
 * listed back, see nftables.real.test.ts). Expected values are read off the recorded text.
 */
import { describe, expect, it } from "vitest";
import { explainService } from "../../kube-proxy/explain";
import { describeBackends } from "../../kube-proxy/explanation";
import { parseNftTable } from "../../kube-proxy/nft-list";
import { fixture, view } from "./fixtures";

const LIST = fixture("nft-list-table.txt");
const explain = (v: ReturnType<typeof view>, text = LIST) => explainService(v, "nftables", "lab-worker", "nft list table ip kube-proxy", text);

describe("nft list parser", () => {
  it("reads map elements across lines, with comments, and chain rules", () => {
    const t = parseNftTable(LIST);
    expect(t.maps.get("cluster-ips")!.map((e) => e.key)).toEqual(["10.96.0.1", "10.96.0.10", "10.96.33.5", "10.96.120.7"]);
    expect(t.maps.get("service-ips")!.find((e) => e.key === "10.96.0.1 . tcp . 443")!.value).toBe("goto service-2QRHZV4L-default/kubernetes/tcp/https");
    expect(t.maps.get("no-endpoint-services")).toEqual([
      { key: "10.96.33.5 . tcp . 80", value: "goto reject-chain", comment: "default/empty", text: `10.96.33.5 . tcp . 80 comment "default/empty" : goto reject-chain` },
    ]);
    // The base chain's "type … hook …" line is a property, not a rule.
    expect(t.chains.get("nat-prerouting")).toEqual(["jump services"]);
  });
});

describe("explain service, nftables mode", () => {
  it("default/echo: service-ips element → numgen vmap over 3 endpoint chains → dnat to the pods", () => {
    const [http] = explain(view("default", "echo")).ports;
    expect(http!.frontends.map((f) => [f.kind, f.address, f.via])).toEqual([
      ["cluster IP", "10.96.120.7:80", "map service-ips { 10.96.120.7 . tcp . 80 : goto service-2GUAAQIC-default/echo/tcp/http }"],
      ["node port", "*:30080", "map service-nodeports { tcp . 30080 : goto external-2GUAAQIC-default/echo/tcp/http }"],
    ]);
    expect(http!.dispatch).toBe("service-2GUAAQIC-default/echo/tcp/http");
    expect(http!.backends.map((b) => [b.pick, b.via, b.target, b.endpoint?.pod])).toEqual([
      ["numgen 0 of 3", "endpoint-AEOOWEYP-default/echo/tcp/http__10.244.1.2/8080", "10.244.1.2:8080", "default/echo-5d9c7b8f6-aaaaa"],
      ["numgen 1 of 3", "endpoint-FAJR4ZAU-default/echo/tcp/http__10.244.2.2/8080", "10.244.2.2:8080", "default/echo-5d9c7b8f6-bbbbb"],
      ["numgen 2 of 3", "endpoint-GE2RUG4K-default/echo/tcp/http__10.244.2.3/8080", "10.244.2.3:8080", "default/echo-5d9c7b8f6-ccccc"],
    ]);
    expect(describeBackends(http!)).toBe("3 endpoints, each chosen with p=0.3333 (1/3)");
    expect(http!.problems).toEqual([]);
  });

  it("default/kubernetes: one endpoint, the API server on the control plane's address", () => {
    const [https] = explain(view("default", "kubernetes")).ports;
    expect(https!.backends.map((b) => [b.target, b.share])).toEqual([["172.18.0.3:6443", 1]]);
    expect(describeBackends(https!)).toBe("1 endpoint, it takes every new connection");
  });

  it("default/empty: the no-endpoint-services element rejects", () => {
    const [p] = explain(view("default", "empty")).ports;
    expect(p!.refused).toEqual([`reject by map no-endpoint-services { 10.96.33.5 . tcp . 80 comment "default/empty" : goto reject-chain }`]);
    expect(p!.backends).toEqual([]);
  });

  it("a node with no table ip kube-proxy says kube-proxy is not in nftables mode there", () => {
    const x = explain(view("default", "echo"), "");
    expect(x.missing).toBe("node lab-worker has no table ip kube-proxy: kube-proxy is not running in nftables mode there");
    expect(x.ports[0]!.frontends).toEqual([]);
  });
});
