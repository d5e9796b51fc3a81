/**
 * Every participant's kind config, fed to a real kind binary (see test/cluster/kind-binary.ts: kind
 * parses strictly and validates before it pulls the node image): workshop-demo's three, and all 20
 * of a workshop over two hosts rotating through two backends.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readStackFile } from "../../labs";
import { planWorkshopStack } from "../../workshop/stack";
import { dockerdReachable, findKind, kindAcceptsConfig } from "../cluster/kind-binary";
import { ROOT, STACKS_DIR } from "../helpers/stacks";
import { workshopsDir } from "./run-workshop";

const kind = findKind();
const docker = dockerdReachable();
const missing = !kind ? "no kind binary (run .ci/install-kind.sh)" : !docker ? "no Docker daemon reachable (run .ci/start-dockerd.sh)" : undefined;
if (missing) console.log(`skipping: real kind config checks of workshop participants: ${missing}`);

describe.skipIf(missing !== undefined)("a real kind binary accepts every workshop participant's config", () => {
  it("workshop-demo: p1, p2, p3", async () => {
    const file = path.join(STACKS_DIR, "Pulumi.workshop-demo.yaml");
    const plan = await planWorkshopStack(readStackFile(file), file);
    expect(plan.participants).toHaveLength(3);
    for (const p of plan.participants) {
      expect(p.lab.kindConfigYaml).toContain("apiServerPort:");
      const verdict = await kindAcceptsConfig(p.lab.kindConfigYaml);
      expect(verdict.accepted, `${p.name}: ${verdict.output}`).toBe(true);
    }
  }, 180_000);

  it("20 participants over this machine and ssh://lab@10.9.8.7", async () => {
    const dir = workshopsDir("two", "lab: netpol\nbackend: [kindnet, calico-ipip]\nparticipants: 20\nhosts: [local, 'ssh://lab@10.9.8.7']\n");
    const plan = await planWorkshopStack({ workshop: "two" }, path.join(ROOT, "stacks/Pulumi.workshop-two.yaml"), dir);
    expect(new Set(plan.participants.map((p) => p.host.id))).toEqual(new Set(["local", "10-9-8-7"]));
    expect(plan.participants).toHaveLength(20);
    for (const p of plan.participants) {
      const verdict = await kindAcceptsConfig(p.lab.kindConfigYaml);
      expect(verdict.accepted, `${p.name}: ${verdict.output}`).toBe(true);
    }
  }, 300_000);
});
