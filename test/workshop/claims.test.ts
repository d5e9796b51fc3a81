/**
 * `workshop up` checks every participant's node network against what its host already has: a network
 * of someone else on an overlapping subnet stops it, naming the participant; the workshop's own
 * networks (its labels) do not.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hostCollisions } from "../../host/collisions";
import type { DockerView } from "../../host/docker-view";
import { NOTHING_RECORDED } from "../../host/ownership";
import { workshopClaims } from "../../cli/services/workshop-stack";
import { planWorkshopStack } from "../../workshop/stack";
import { ROOT } from "../helpers/stacks";
import { workshopsDir } from "./run-workshop";

describe("a workshop's claims on its hosts", () => {
  it("one claim per participant, on its host's Docker; a foreign overlapping network is named with the participant", async () => {
    const dir = workshopsDir("two", "lab: netpol\nbackend: kindnet\nparticipants: 3\nhosts: [local, 'ssh://lab@10.9.8.7']\n");
    const source = path.join(ROOT, "stacks/Pulumi.workshop-two.yaml");
    const plan = await planWorkshopStack({ workshop: "two" }, source, dir);
    const claims = workshopClaims(plan, "stacks/Pulumi.workshop-two.yaml");
    expect(claims.map((c) => [c.dockerHost, c.claim.cluster, c.claim.networks[0]!.subnet])).toEqual([
      [undefined, "two-p1", "172.16.128.0/24"],
      ["ssh://lab@10.9.8.7", "two-p2", "172.16.129.0/24"],
      [undefined, "two-p3", "172.16.130.0/24"],
    ]);
    const view: DockerView = {
      networks: [
        { name: "two-p1", subnets: ["172.16.128.0/24"], labels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "workshop-two" } },
        { name: "vpn", subnets: ["172.16.130.0/23"], labels: {} },
      ],
      kindNodes: [],
      containers: [],
    };
    const local = claims.filter((c) => c.dockerHost === undefined);
    expect(local.flatMap((c) => hostCollisions(c.claim, view, NOTHING_RECORDED))).toEqual([
      {
        source: "stacks/Pulumi.workshop-two.yaml",
        path: "participant p3's node network (subnetPool)",
        message: `172.16.130.0/24 overlaps Docker network 'vpn' (172.16.130.0/23), not made by a cnilab stack (no io.cnilab.* labels): Docker refuses a second network on it ("Pool overlaps"); choose another subnet`,
      },
    ]);
  });
});
