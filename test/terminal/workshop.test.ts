/**
 * A workshop with terminals, under Pulumi mocks: one terminal per participant across two hosts, each
 * with its own token, port, network and kubeconfig; one terminal image per host; the link in the
 * stack output and first in the handout inside the terminal.
 */
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { parse } from "yaml";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTerminalContext } from "../../terminal/context";
import { settled } from "../helpers/mocks";
import { runWorkshop, type WorkshopRun } from "../workshop/run-workshop";

const FILE = `
lab: netpol
backend: kindnet
participants: [ada, bob, cy]
workers: 1
hosts:
  - { docker: local, memoryGiB: 8 }
  - { docker: "ssh://lab@10.9.8.7", memoryGiB: 8 }
terminals: { idleMinutes: 15, portBase: 9100 }
`;

const dir = mkdtempSync(join(tmpdir(), "cnilab-terminal-workshop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let run: WorkshopRun;
let participants: Record<string, { terminal?: string; clusterName: string; host: string; backend: string; assertions: unknown }>;
beforeAll(async () => {
  run = await runWorkshop("term", FILE);
  participants = (await settled(run.outputs.participants)) as typeof participants;
}, 300_000);

const containers = () => run.recorded.filter((r) => r.type === "docker:index/container:Container" && String(r.inputs.name).endsWith("-terminal"));
const uploads = (c: { inputs: Record<string, any> }): { file: string; content: string }[] => (specialSigKey in c.inputs.uploads ? c.inputs.uploads.value : c.inputs.uploads);

describe("a workshop with terminals", () => {
  it("one terminal per participant, on its own host, network and port; one image per host", () => {
    const placed = Object.fromEntries(Object.entries(participants).map(([name, p]) => [name, p.host]));
    // The lab's network is named after its cluster (plan/index.ts).
    expect(containers().map((c) => [c.inputs.name, c.inputs.networkMode, c.inputs.ports[0].external]).sort()).toEqual([
      ["term-ada-terminal", "term-ada", 9100],
      ["term-bob-terminal", "term-bob", 9101],
      ["term-cy-terminal", "term-cy", 9102],
    ]);
    expect(new Set(Object.values(placed)).size).toBe(2);
    expect(run.recorded.filter((r) => r.type === "cnilab:workshop:TerminalImage").map((r) => r.name)).toEqual(["terminal-image-local", "terminal-image-10-9-8-7"]);
  });

  it("distinct links with the host's address; each terminal's kubeconfig names its own cluster only", () => {
    const links = Object.entries(participants).map(([, p]) => p.terminal!);
    expect(new Set(links).size).toBe(3);
    for (const [name, p] of Object.entries(participants)) {
      const address = p.host === "local" ? "127.0.0.1" : "10.9.8.7";
      expect(p.terminal).toMatch(new RegExp(`^http://${address.replace(/\./g, "\\.")}:91\\d\\d/[A-Za-z0-9_-]{43}/$`));
      const c = containers().find((x) => x.inputs.name === `term-${name}-terminal`)!;
      const config = parse(uploads(c).find((u) => u.file === "/home/node/.kube/config")!.content);
      expect(config.clusters.map((x: { name: string; cluster: { server: string } }) => [x.name, x.cluster.server])).toEqual([[`kind-term-${name}`, `https://term-${name}-control-plane:6443`]]);
      expect(c.inputs.envs).toContain("CNILAB_TERMINAL_IDLE_MINUTES=15");
    }
  });

  it("each terminal's lab context is its participant's: workshop, backend, lab, and the assertions the workshop judges", () => {
    for (const [name, p] of Object.entries(participants)) {
      const c = containers().find((x) => x.inputs.name === `term-${name}-terminal`)!;
      // Read as the terminal's cnilab reads it: the real assertions output passes its validation.
      const file = join(dir, `${name}.json`);
      writeFileSync(file, uploads(c).find((u) => u.file === "/run/cnilab/lab.json")!.content);
      expect(readTerminalContext(file)).toEqual({ workshop: "term", participant: name, backend: "kindnet", lab: "netpol", assertions: p.assertions });
      expect((p.assertions as { probes: unknown[] }).probes.length).toBeGreaterThan(0);
    }
  });

  it("the handout in the terminal opens with the participant's own link", () => {
    for (const [name, p] of Object.entries(participants)) {
      const c = containers().find((x) => x.inputs.name === `term-${name}-terminal`)!;
      const handout = uploads(c).find((u) => u.file === "/home/node/handout.md")!.content;
      expect(handout.split("\n\n")[1]).toBe(`Your terminal: ${p.terminal} — open it in a browser, nothing to install; kubectl there already points at your cluster. The link is your key: keep it to yourself.`);
    }
  });
});
