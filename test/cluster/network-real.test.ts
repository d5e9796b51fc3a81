/**
 * The Docker network provider against a real dockerd: what `create` makes (checked with `docker
 * network inspect`, not with the provider's own reading), what `read` reports and when it reports
 * the network gone, the refusals (a name the state does not hold, a network without the stack's
 * labels), a take-over of @pulumi/docker's state, and a `delete` that tolerates a network already
 * gone. Networks are named `cnilab-test-net-<pid>-*`, labelled with this run, and removed after.
 * Needs a running dockerd; skips, saying so.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { dockerNetworkProvider as provider } from "../../components/cluster/network-provider";
import type { DockerNetworkInputs } from "../../components/cluster/network-types";
import { dockerdReachable } from "./kind-binary";

const missing = dockerdReachable() ? undefined : "no running dockerd";
if (missing) console.warn(`network-real tests skipped: ${missing}`);

const RUN_LABEL = "io.cnilab.test-run";
const RUN = `${process.pid}`;
const PREFIX = `cnilab-test-net-${RUN}`;
/** Outside Docker's default pools (172.17–31/16, 192.168/16), one /24 per run and case. */
const subnet = (i: number) => `10.213.${(process.pid % 50) * 5 + i}.0/24`;
const gatewayOf = (s: string) => s.replace(/0\/24$/, "1");
const LABELS = { "io.cnilab.project": "cnilab", "io.cnilab.stack": `test-${RUN}`, [RUN_LABEL]: RUN };

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
const inspect = (id: string) => JSON.parse(docker("network", "inspect", id))[0] as Record<string, any>;
const present = (id: string) => docker("network", "ls", "-q", "--no-trunc").split("\n").includes(id);
const inputs = (name: string, i: number): DockerNetworkInputs => ({ name: `${PREFIX}-${name}`, subnet: subnet(i), gateway: gatewayOf(subnet(i)), masquerade: true, labels: LABELS });
/** A network made by hand, as another tool (or another stack) would. */
const byHand = (name: string, i: number, ...extra: string[]) =>
  docker("network", "create", "--subnet", subnet(i), "--label", `${RUN_LABEL}=${RUN}`, ...extra, `${PREFIX}-${name}`).trim();

afterAll(() => {
  if (missing) return;
  const left = docker("network", "ls", "-q", "--filter", `label=${RUN_LABEL}=${RUN}`).split("\n").filter(Boolean);
  for (const id of left) docker("network", "rm", id);
});

describe.skipIf(missing !== undefined)("Docker network provider with a real dockerd", () => {
  it("creates the network with its subnet, gateway, masquerading and labels, reads it back, deletes it, and tolerates it gone", async () => {
    const want = inputs("life", 0);
    const { id, outs } = await provider.create(want);
    const live = inspect(id);
    expect([live.Name, live.Driver, live.IPAM.Config]).toEqual([want.name, "bridge", [{ Subnet: want.subnet, Gateway: want.gateway }]]);
    expect(live.Options).toEqual({ "com.docker.network.bridge.enable_ip_masquerade": "true" });
    expect(live.Labels).toEqual(LABELS);
    expect(outs).toEqual(want);
    expect(await provider.read!(id, outs!)).toEqual({ id, props: want });
    await provider.delete!(id, outs!);
    expect(present(id)).toBe(false);
    await provider.delete!(id, outs!);
  });

  it("reads what Docker has, so a refresh sees drift, and an empty id once it was removed by hand", async () => {
    const recorded = inputs("drift", 1);
    const id = byHand("drift", 1, "--opt", "com.docker.network.bridge.enable_ip_masquerade=false");
    const read = await provider.read!(id, recorded);
    expect(read.props).toMatchObject({ name: recorded.name, subnet: subnet(1), masquerade: false, labels: { [RUN_LABEL]: RUN } });
    docker("network", "rm", id);
    expect(await provider.read!(id, recorded)).toEqual({ id: "" });
  });

  it("refuses to create over a network of the same name, and leaves that network alone", async () => {
    const id = byHand("taken", 2);
    await expect(provider.create(inputs("taken", 3))).rejects.toThrow(`a Docker network named "${PREFIX}-taken" already exists and is not in this stack's state`);
    expect(present(id)).toBe(true);
  });

  it("refuses to delete a network that lacks the stack's labels, naming the network and the labels", async () => {
    const id = byHand("foreign", 4, "--label", "io.cnilab.stack=someone-else");
    await expect(provider.delete!(id, inputs("foreign", 4))).rejects.toThrow(
      `not removing Docker network "${PREFIX}-foreign" (${id}): it lacks this stack's labels io.cnilab.project=cnilab, io.cnilab.stack=test-${RUN}`,
    );
    expect(present(id)).toBe(true);
  });

  it("takes over a network @pulumi/docker made: an update without replacement that records Docker's view", async () => {
    const want = inputs("takeover", 5);
    const id = docker(
      "network", "create", "--subnet", want.subnet, "--gateway", want.gateway,
      ...Object.entries(LABELS).flatMap(([k, v]) => ["--label", `${k}=${v}`]), want.name,
    ).trim();
    // What @pulumi/docker 5.x's state holds for the lab network (the fields the provider reads).
    const olds = {
      name: want.name,
      driver: "bridge",
      ipamConfigs: [{ subnet: want.subnet, gateway: want.gateway, auxAddress: {}, ipRange: "" }],
      options: { "com.docker.network.bridge.enable_ip_masquerade": "true" },
      labels: Object.entries(LABELS).map(([label, value]) => ({ label, value })),
    };
    expect(await provider.diff!(id, olds as never, want)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(await provider.update!(id, olds as never, want)).toEqual({ outs: want });
    expect(present(id)).toBe(true);
  });
});
