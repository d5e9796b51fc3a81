/**
 * The Docker network provider's check and diff, as data (no Docker): what each bad input is told,
 * and what replaces the network, what only updates the state, what changes nothing.
 */
import { describe, expect, it } from "vitest";
import { dockerNetworkProvider as provider } from "../../components/cluster/network-provider";
import type { DockerNetworkInputs } from "../../components/cluster/network-types";

const GOOD: DockerNetworkInputs = {
  name: "cnilab-netpol",
  subnet: "172.30.7.0/24",
  gateway: "172.30.7.1",
  masquerade: true,
  labels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "netpol" },
};
const failures = async (change: Record<string, unknown>) =>
  ((await provider.check!({} as DockerNetworkInputs, { ...GOOD, ...change } as DockerNetworkInputs)).failures ?? []).map((f) => `${f.property}: ${f.reason}`);

describe("check", () => {
  it("accepts the lab's network", async () => {
    expect(await failures({})).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ name: "-x" }, `name: "-x" is not a Docker network name: use at least two letters, digits, '_', '.' or '-', starting with a letter or digit`],
    [{ subnet: "172.30.7.0" }, `subnet: "172.30.7.0" is not an IPv4 subnet with room for nodes: expected a.b.c.d/n with n at most 30`],
    [{ subnet: "172.30.7.0/32" }, `subnet: "172.30.7.0/32" is not an IPv4 subnet with room for nodes: expected a.b.c.d/n with n at most 30`],
    [{ subnet: "fd00::/64" }, `subnet: "fd00::/64" is not an IPv4 subnet with room for nodes: expected a.b.c.d/n with n at most 30`],
    [{ gateway: "172.30.7.256" }, `gateway: "172.30.7.256" is not an IPv4 address`],
    [{ masquerade: "true" }, `masquerade: expected true or false, got "true"`],
    [{ labels: {} }, `labels: expected the stack's identity labels as a map of strings (delete checks them), got {}`],
    [{ labels: [{ label: "a", value: "b" }] }, `labels: expected the stack's identity labels as a map of strings (delete checks them), got [{"label":"a","value":"b"}]`],
  ])("refuses %j", async (change, told) => {
    expect(await failures(change)).toEqual([told]);
  });
});

describe("diff", () => {
  const diff = (olds: object, news: object = GOOD) => provider.diff!("net-id", olds as DockerNetworkInputs, news as DockerNetworkInputs);

  it("nothing to do for the same inputs, label order aside", async () => {
    const reordered = { ...GOOD, labels: { "io.cnilab.stack": "netpol", "io.cnilab.project": "cnilab" } };
    expect(await diff(reordered)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  it.each<[Partial<DockerNetworkInputs>, string[]]>([
    [{ name: "cnilab-other" }, ["name"]],
    [{ subnet: "172.30.8.0/24", gateway: "172.30.8.1" }, ["subnet", "gateway"]],
    [{ masquerade: false }, ["masquerade"]],
    [{ labels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "other" } }, ["labels"]],
  ])("Docker cannot change a network: %j replaces it, the old one first", async (change, replaces) => {
    expect(await diff(GOOD, { ...GOOD, ...change })).toEqual({ changes: true, replaces, deleteBeforeReplace: true });
  });

  it("new provider code alone is an update (stores the code, touches nothing)", async () => {
    expect(await diff({ ...GOOD, __provider: "old" }, { ...GOOD, __provider: "new" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(await diff({ ...GOOD, __provider: "same" }, { ...GOOD, __provider: "same" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  it("reads @pulumi/docker's state: the same network is taken over by an update, another subnet replaces it", async () => {
    const pulumiDocker = {
      name: GOOD.name,
      ipamConfigs: [{ subnet: GOOD.subnet, gateway: GOOD.gateway }],
      options: { "com.docker.network.bridge.enable_ip_masquerade": "true" },
      labels: Object.entries(GOOD.labels).map(([label, value]) => ({ label, value })),
    };
    expect(await diff(pulumiDocker)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const moved = { ...pulumiDocker, ipamConfigs: [{ subnet: "172.30.9.0/24", gateway: "172.30.9.1" }] };
    expect(await diff(moved)).toEqual({ changes: true, replaces: ["subnet", "gateway"], deleteBeforeReplace: true });
  });
});
