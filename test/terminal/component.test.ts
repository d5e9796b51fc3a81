import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { parse } from "yaml";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTerminalContext, type TerminalContext } from "../../terminal/context";
import { planTerminals, type TerminalParticipant } from "../../terminal/plan";
import { terminalsSchema } from "../../terminal/settings";
import { newTerminalToken } from "../../terminal/token";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";

/**
 * Terminals under Pulumi mocks: one per participant, each with its own token (drawn by the real
 * generator, as the dynamic provider's create does), port and network, and exactly its own files.
 */
const kubeconfigOf = (cluster: string): string => `apiVersion: v1
kind: Config
clusters:
- {name: kind-${cluster}, cluster: {server: "https://127.0.0.1:1"}}
- {name: kind-intruder, cluster: {server: "https://127.0.0.1:2"}}
contexts:
- {name: kind-${cluster}, context: {cluster: kind-${cluster}, user: kind-${cluster}}}
- {name: kind-intruder, context: {cluster: kind-intruder, user: kind-intruder}}
users:
- {name: kind-${cluster}, user: {token: secret-of-${cluster}}}
- {name: kind-intruder, user: {token: secret-of-intruder}}
current-context: kind-intruder
`;

const participants: TerminalParticipant[] = ["ada", "bob", "cy"].map((name, index) => ({
  name,
  index,
  clusterName: `ws-${name}`,
  host: { id: "local", address: "127.0.0.1" },
  network: { name: `cnilab-ws-${name}`, subnet: `172.16.${128 + index}.0/24`, gateway: `172.16.${128 + index}.1` },
}));

/** A participant's lab context as the workshop passes it: their lab's assertions, one probe and its Job. */
const contextOf = (name: string): TerminalContext => ({
  workshop: "demo",
  participant: name,
  backend: "calico-vxlan",
  lab: "netpol",
  assertions: {
    probes: [{ id: `${name}-probe`, group: "health", client: "demo", to: "default/nginx#0", toLabel: "default/nginx", port: 80, protocol: "tcp", expect: "connected", why: "health", basis: { kind: "health" } }],
    skipped: [],
    jobs: [{ client: "demo", namespace: "default", name: `probe-demo-${name}` }],
  },
});

let recorded: RecordedResource[];
let urls: string[];
const dir = mkdtempSync(join(tmpdir(), "cnilab-terminal-context-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  recorded = await installMocks({
    outputs: (args) => (args.type === "pulumi-nodejs:dynamic/cnilab:TerminalToken" ? { token: newTerminalToken() } : args.type === "docker:index/remoteImage:RemoteImage" ? { imageId: "sha256:terminal" } : {}),
  });
  const { Terminal, TerminalImage } = await import("../../components/workshop/terminal.js");
  const image = new TerminalImage("terminal-image-local", { context: "/tmp/ctx", imageName: "cnilab/terminal:local" });
  const plans = planTerminals("demo", "workshop-demo", participants, terminalsSchema.parse({ idleMinutes: 10 }));
  const terminals = plans.map((plan) => new Terminal(`terminal-${plan.participant}`, { plan, imageId: image.imageId, kubeconfig: pulumi.secret(kubeconfigOf(`ws-${plan.participant}`)), handout: (url) => `# handout of ${plan.participant}: ${url}`, context: pulumi.output(contextOf(plan.participant)) }));
  urls = await Promise.all(terminals.map((t) => settled(t.url)));
  await Promise.all(terminals.map((t) => settled(t.containerName)));
});

const containers = (): RecordedResource[] => recorded.filter((r) => r.type === "docker:index/container:Container");
/** Pulumi's wire form of a secret value: its signature key and value. */
const SECRET_SIG = { key: specialSigKey, value: specialSecretSig };
type Upload = { file: string; content: string; permissions?: string; owner?: string; group?: string };
/** The uploads hold the kubeconfig and the token, so the whole list travels as a secret. */
const uploads = (c: RecordedResource): Upload[] => {
  expect(c.inputs.uploads[SECRET_SIG.key]).toBe(SECRET_SIG.value);
  return c.inputs.uploads.value;
};
const upload = (c: RecordedResource, file: string): string | undefined => uploads(c).find((u) => u.file === file)?.content;

describe("Terminal under mocks", () => {
  it("one container per participant, on its own network and port, from the host's image", () => {
    expect(containers().map((c) => [c.inputs.name, c.inputs.networkMode, c.inputs.networksAdvanced[0].ipv4Address, c.inputs.ports[0].external, c.inputs.image])).toEqual([
      ["ws-ada-terminal", "cnilab-ws-ada", "172.16.128.254", 7700, "sha256:terminal"],
      ["ws-bob-terminal", "cnilab-ws-bob", "172.16.129.254", 7701, "sha256:terminal"],
      ["ws-cy-terminal", "cnilab-ws-cy", "172.16.130.254", 7702, "sha256:terminal"],
    ]);
  });

  it("distinct tokens, each in its own link and its own container's token file, kept as a secret", () => {
    const tokens = urls.map((u) => /^http:\/\/127\.0\.0\.1:77\d\d\/([A-Za-z0-9_-]{43})\/$/.exec(u)?.[1]);
    expect(tokens.every(Boolean)).toBe(true);
    expect(new Set(tokens).size).toBe(3);
    containers().forEach((c, i) => expect(upload(c, "/run/cnilab/token")).toBe(tokens[i]));
    const tokenResources = recorded.filter((r) => r.type === "pulumi-nodejs:dynamic/cnilab:TerminalToken");
    expect(tokenResources).toHaveLength(3);
    for (const t of tokenResources) expect(t.additionalSecretOutputs).toEqual(["token"]);
  });

  it("each container gets only its own kubeconfig (one cluster, theirs), its handout, and no bind mount or socket", () => {
    containers().forEach((c, i) => {
      const name = participants[i]!.name;
      const config = parse(upload(c, "/home/node/.kube/config") ?? "");
      expect(config.clusters.map((x: { name: string }) => x.name)).toEqual([`kind-ws-${name}`]);
      expect(JSON.stringify(config)).not.toContain("intruder");
      expect(upload(c, "/home/node/handout.md")).toBe(`# handout of ${name}: ${urls[i]}`);
      expect(uploads(c).map((u) => u.file)).toEqual(["/home/node/.kube/config", "/home/node/handout.md", "/run/cnilab/lab.json", "/run/cnilab/token", "/run/cnilab/egress.rules"]);
      // Theirs to read: owned by their own uid (700000000 + position); the token and the rules stay root's.
      const uid = String(700_000_000 + i);
      expect(uploads(c).map((u) => [u.file, (u as { owner?: string }).owner, (u as { permissions?: string }).permissions])).toEqual([
        ["/home/node/.kube/config", uid, "0600"],
        ["/home/node/handout.md", uid, "0644"],
        ["/run/cnilab/lab.json", uid, "0644"],
        ["/run/cnilab/token", undefined, "0400"],
        ["/run/cnilab/egress.rules", undefined, "0400"],
      ]);
      expect(c.inputs.volumes).toBeUndefined();
      expect(c.inputs.mounts).toBeUndefined();
    });
  });

  it("each container gets its own lab's context, readable by the participant's own user, as the terminal's cnilab reads it", () => {
    containers().forEach((c, i) => {
      const name = participants[i]!.name;
      const context = uploads(c).find((u) => u.file === "/run/cnilab/lab.json")!;
      expect([context.permissions, context.owner, context.group]).toEqual(["0644", String(700_000_000 + i), String(700_000_000 + i)]);
      const file = join(dir, `${name}.json`);
      writeFileSync(file, context.content);
      expect(readTerminalContext(file)).toEqual(contextOf(name));
    });
  });

  it("limited: half a CPU, 512 MiB without swap, 256 processes, all capabilities dropped but the four the entrypoint needs (no NET_RAW: iptables-nft), no new privileges", () => {
    for (const c of containers()) {
      expect(c.inputs).toMatchObject({ cpus: "0.5", memory: 512, memorySwap: 512, securityOpts: ["no-new-privileges"] });
      expect(c.inputs.ulimits).toEqual([{ name: "nproc", soft: 256, hard: 256 }]);
      expect(c.inputs.capabilities).toEqual({ drops: ["ALL"], adds: ["NET_ADMIN", "CHOWN", "SETGID", "SETUID"] });
      expect(c.inputs.envs).toContain("CNILAB_TERMINAL_IDLE_MINUTES=10");
    }
  });
});
