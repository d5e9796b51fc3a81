/**
 * Ownership on the real Docker engine: labelled and unlabelled networks, and "kind node" containers
 * (created, never started, from an empty imported image) carrying kind's cluster label on them. What
 * readDockerView reads is what ownedBy and hostCollisions decide on; the subnet clash is the one the
 * engine itself refuses ("Pool overlaps"). Skips, saying why, without a Docker engine.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDockerView, type DockerView } from "../../host/docker-view";
import { clusterClaim, hostCollisions } from "../../host/collisions";
import { NOTHING_RECORDED, ownedBy } from "../../host/ownership";
import { runProcess } from "../../host/run";
import { parseStack } from "../../labs/stack";
import { dockerEngineUnavailable } from "../docker/host";

const unavailable = dockerEngineUnavailable();
if (unavailable) console.log(`docker-view.real: skipping the ownership tests on a real engine: ${unavailable}`);
const BOUND_MS = 60_000;
const tag = `t${process.pid}`;
const third = 100 + (process.pid % 150);
const IMAGE = `cnilab-test-empty:${tag}`;
const OURS = { network: `cnilab-own-${tag}`, subnet: `10.253.${third}.0/24`, cluster: `cnilab-own-${tag}`, stack: `own-${tag}` };
const THEIRS = { network: `team-${tag}`, subnet: `10.254.${third}.0/25`, cluster: `cnilab-theirs-${tag}` };
const docker = (...args: string[]) => execFileSync("docker", args, { timeout: BOUND_MS, stdio: ["pipe", "pipe", "pipe"] }).toString();
const quiet = (...args: string[]) => spawnSync("docker", args, { timeout: BOUND_MS });

describe.skipIf(unavailable !== undefined)(`ownership on the real Docker engine${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let view: DockerView;

  beforeAll(() => {
    execFileSync("sh", ["-c", `tar -c -T /dev/null | docker import - ${IMAGE}`], { timeout: BOUND_MS, stdio: "pipe" });
    docker("network", "create", "--label", "io.cnilab.project=cnilab", "--label", `io.cnilab.stack=${OURS.stack}`, "--subnet", OURS.subnet, OURS.network);
    docker("network", "create", "--subnet", THEIRS.subnet, THEIRS.network);
    for (const [cluster, network] of [
      [OURS.cluster, OURS.network],
      [THEIRS.cluster, THEIRS.network],
    ] as const) {
      docker("create", "--name", `${cluster}-control-plane`, "--network", network, "--label", `io.x-k8s.kind.cluster=${cluster}`, IMAGE, "/none");
    }
  }, 4 * BOUND_MS);

  afterAll(() => {
    quiet("rm", "-f", `${OURS.cluster}-control-plane`, `${THEIRS.cluster}-control-plane`);
    quiet("network", "rm", OURS.network, THEIRS.network);
    quiet("rmi", IMAGE);
  }, 4 * BOUND_MS);

  it("reads networks with their labels and subnets, and kind's node containers with their networks", async () => {
    view = await readDockerView((args) => runProcess("docker", args, process.env, BOUND_MS));
    expect(view.networks.find((n) => n.name === OURS.network)).toEqual({
      name: OURS.network,
      subnets: [OURS.subnet],
      labels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": OURS.stack },
    });
    expect(view.kindNodes.filter((n) => n.name.endsWith(tag + "-control-plane"))).toEqual(
      expect.arrayContaining([
        { name: `${OURS.cluster}-control-plane`, cluster: OURS.cluster, networks: [OURS.network] },
        { name: `${THEIRS.cluster}-control-plane`, cluster: THEIRS.cluster, networks: [THEIRS.network] },
      ]),
    );
  }, BOUND_MS);

  it("the stack owns its labelled network and the cluster on it, not the other one", () => {
    const owned = ownedBy(OURS.stack, view, NOTHING_RECORDED);
    expect(owned.networks.map((n) => n.name)).toEqual([OURS.network]);
    expect(owned.clusters).toEqual([OURS.cluster]);
  });

  it("a stack on the other network's subnet is refused with its name, as Docker itself would refuse it", () => {
    const stack = parseStack({ lab: "netpol", backend: "kindnet", nodeSubnet: `10.254.${third}.0/24` }, `stacks/Pulumi.clash-${tag}.yaml`);
    const problems = hostCollisions(clusterClaim(stack), view, NOTHING_RECORDED);
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining(`overlaps Docker network '${THEIRS.network}' (${THEIRS.subnet})`)]);
    const created = quiet("network", "create", "--subnet", stack.nodeSubnet, `clash-${tag}`);
    if (created.status === 0) quiet("network", "rm", `clash-${tag}`);
    expect(created.stderr.toString()).toContain("Pool overlaps");
  });
});
