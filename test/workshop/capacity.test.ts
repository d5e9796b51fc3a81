/**
 * Capacity arithmetic as data: what a participant costs from the per-node figures (host/resources.ts:
 * control plane 1.0 GiB, worker 0.4 GiB, CNI agent per node kindnet/flannel 0.1 and calico 0.3 GiB,
 * workloads 0.2 GiB; CPU requests 0.95 control plane + 0.1 per node; disk 1.0 GiB node image per host
 * + 0.5 GiB per node), how many fit a host and what limits it; placement by declared capacity.
 */
import { describe, expect, it } from "vitest";
import { hostFit, participantCost, totalFits } from "../../workshop/capacity";
import { placeParticipants } from "../../workshop/placement";

describe("what a participant costs", () => {
  it.each([
    // workers, backends → memory, cpus, disk per cluster, node image per host
    [2, ["kindnet"], { nodes: 3, memoryGiB: 2.3, cpus: 1.25, diskGiB: 1.5, hostDiskGiB: 1 }],
    [1, ["flannel-vxlan"], { nodes: 2, memoryGiB: 1.8, cpus: 1.15, diskGiB: 1, hostDiskGiB: 1 }],
    // A rotation is costed as its heaviest member, so a host's share does not depend on who lands there.
    [2, ["kindnet", "calico-ipip"], { nodes: 3, memoryGiB: 2.9, cpus: 1.25, diskGiB: 1.5, hostDiskGiB: 1 }],
  ] as const)("%i workers of %j", (workers, backends, expected) => {
    const cost = participantCost(workers, backends);
    expect({ ...cost, memoryGiB: Math.round(cost.memoryGiB * 100) / 100, cpus: Math.round(cost.cpus * 100) / 100 }).toEqual(expected);
  });

  it("a browser terminal adds its memory limit, and nothing else", () => {
    // 2.3 GiB for the cluster + 512 MiB for the terminal.
    const cost = participantCost(2, ["kindnet"], 512);
    expect({ ...cost, memoryGiB: Math.round(cost.memoryGiB * 100) / 100, cpus: Math.round(cost.cpus * 100) / 100 }).toEqual({ nodes: 3, memoryGiB: 2.8, cpus: 1.25, diskGiB: 1.5, hostDiskGiB: 1 });
  });
});

describe("how many fit a host", () => {
  const cost = participantCost(2, ["kindnet"]);

  it("the scarcer of memory and disk decides; CPU requests past the host's CPUs are a warning", () => {
    const fit = hostFit("local", 3, cost, { memoryGiB: 16, cpus: 2, diskGiB: 40, inotify: { instances: 128, watches: 8192 } });
    expect(fit).toEqual({
      host: "local",
      planned: 3,
      need: { nodes: 9, memoryGiB: 6.9, cpus: 3.75, diskGiB: 5.5 },
      have: { memoryGiB: 16, cpus: 2, diskGiB: 40, inotify: { instances: 128, watches: 8192 } },
      // 16/2.3 = 6.9, 2/1.25 = 1.6, (40-1)/1.5 = 26
      fitsBy: { memory: 6, cpus: 1, disk: 26 },
      fits: 6,
      limitedBy: "memory",
      cpuOversubscribed: true,
      inotifyLow: true,
    });
  });

  it("the per-host cap when it is lower; nothing known is no limit", () => {
    expect(hostFit("a", 2, cost, { memoryGiB: 64 }, 4)).toMatchObject({ fits: 4, limitedBy: "participantsPerHost" });
    expect(hostFit("b", 2, cost, {})).toMatchObject({ fits: Infinity, limitedBy: "nothing known", inotifyLow: false });
    expect(totalFits([hostFit("a", 0, cost, { memoryGiB: 7 }), hostFit("b", 0, cost, { memoryGiB: 4.6 })])).toBe(3 + 2);
  });
});

describe("placement", () => {
  const cost = participantCost(1, ["kindnet"]); // 1.8 GiB
  const hosts = [
    { id: "a", address: "127.0.0.1", cacheAddress: "172.17.0.1", memoryGiB: 9 }, // 5 fit
    { id: "b", address: "192.0.2.1", cacheAddress: "192.0.2.1", memoryGiB: 18 }, // 10 fit
  ];

  it("shares follow the declared capacity, interleaved", () => {
    expect(placeParticipants(6, hosts, cost)).toEqual(["b", "a", "b", "b", "a", "b"]);
  });

  it("a full host is skipped; past every host's room, nobody is placed", () => {
    const placed = placeParticipants(16, hosts, cost);
    expect(placed.filter((h) => h === "a")).toHaveLength(5);
    expect(placed.filter((h) => h === "b")).toHaveLength(10);
    expect(placed[15]).toBeUndefined();
  });

  it("adding participants never moves the earlier ones", () => {
    const full = placeParticipants(15, hosts, cost);
    for (let n = 1; n < 15; n++) expect(placeParticipants(n, hosts, cost)).toEqual(full.slice(0, n));
  });

  it("hosts declaring nothing share equally", () => {
    const bare = hosts.map(({ id, address, cacheAddress }) => ({ id, address, cacheAddress }));
    expect(placeParticipants(4, bare, cost)).toEqual(["a", "b", "a", "b"]);
  });
});
