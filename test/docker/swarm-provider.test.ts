/**
 * The swarm provider's decisions that need no daemon (diff, update); what it does to a real daemon
 * (refusing a foreign swarm, making and leaving its own) is test/docker/overlay.real.test.ts.
 */
import { describe, expect, it } from "vitest";
import { dockerSwarmProvider } from "../../components/docker/swarm-provider";
import type { DockerSwarmOutputs } from "../../components/docker/swarm-types";

const INPUTS = { advertiseAddress: "127.0.0.1", listenAddress: "127.0.0.1:2377", dataPathAddress: "127.0.0.1", nodeLabels: { "io.cnilab.stack": "docker-overlay" } };
const OLDS: DockerSwarmOutputs = { ...INPUTS, nodeId: "n1", gwbridgeMade: true };

describe("swarm provider", () => {
  it("nothing changed: no change; an address or a label changed: the swarm is replaced, the old one left first", async () => {
    expect(await dockerSwarmProvider.diff!("c1", OLDS, INPUTS)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    expect(await dockerSwarmProvider.diff!("c1", OLDS, { ...INPUTS, listenAddress: "127.0.0.1:2378", nodeLabels: { "io.cnilab.stack": "other" } })).toEqual({
      changes: true,
      replaces: ["listenAddress", "nodeLabels"],
      deleteBeforeReplace: true,
    });
  });

  it("only the provider's code changed: an update that keeps what the swarm recorded", async () => {
    const olds = { ...OLDS, __provider: "old code" } as DockerSwarmOutputs;
    const news = { ...INPUTS, __provider: "new code" } as typeof INPUTS;
    expect(await dockerSwarmProvider.diff!("c1", olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect((await dockerSwarmProvider.update!("c1", OLDS, INPUTS)).outs).toEqual({ ...INPUTS, nodeId: "n1", gwbridgeMade: true });
  });
});
