/**
 * DockerLab under Pulumi mocks, for every docker-* stack: what it registers (networks, options,
 * addresses, containers), under which parent and in which order, and the report it builds from the
 * assertion containers' logs (the mock answers with probe output written by hand).
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { dockerLabProgram as programFn } from "../../components/docker";
import { DOCKER_DRIVERS, dockerLabResources, loadDockerStackSpec, planDockerLab, withProbeBundle, type DockerDriver, type DockerLabPlan } from "../../docker";
import { DOCKER_LAB_IMAGES } from "../../pins";
import { installMocks, settled, type RecordedResource } from "../helpers/mocks";
import { STACKS_DIR } from "../helpers/stacks";

const BUNDLE = "/* probe bundle */\n";
const T = {
  lab: "cnilab:docker:DockerLab",
  image: "docker:index/remoteImage:RemoteImage",
  network: "docker:index/network:Network",
  container: "docker:index/container:Container",
  swarm: "pulumi-nodejs:dynamic/cnilab:DockerSwarm",
};
/** In the macvlan lab the mock "observes" this probe connecting, which the facts say it cannot. */
const TAMPERED = "client-a->web-b:80/tcp";

/**
 * What each assertion container "saw", written by hand (not taken from the plan's expectations):
 * Docker isolates bridge networks from each other (timeout), macvlan and ipvlan L2 children reach
 * neither the other subnet nor their parent (no-route), ipvlan L3 routes between its subnets. In the
 * macvlan lab one probe is TAMPERED: it connected where the facts say it cannot.
 */
const OBSERVED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "cnilab-br-client-a": { "client-a->web-a:80/tcp": "connected", "client-a->web-b:80/tcp": "timeout", "client-a->host:7411/tcp": "connected" },
  "cnilab-br-client-b": { "client-b->web-a:80/tcp": "timeout", "client-b->web-b:80/http": "connected" },
  "cnilab-mv-client-a": { "client-a->web-a:80/tcp": "connected", [TAMPERED]: "connected", "client-a->host:7411/tcp": "no-route" },
  "cnilab-mv-client-b": { "client-b->web-a:80/tcp": "no-route", "client-b->web-b:80/http": "connected" },
  "cnilab-ipvl2-client-a": { "client-a->web-a:80/tcp": "connected", "client-a->web-b:80/tcp": "no-route", "client-a->host:7411/tcp": "no-route" },
  "cnilab-ipvl2-client-b": { "client-b->web-a:80/tcp": "no-route", "client-b->web-b:80/http": "connected" },
  "cnilab-ipvl3-client-a": { "client-a->web-a:80/tcp": "connected", "client-a->web-b:80/tcp": "connected" },
  "cnilab-ipvl3-client-b": { "client-b->web-a:80/tcp": "connected", "client-b->web-b:80/http": "connected" },
  // On the host network the client reaches the server on loopback; on none only the control client reaches anything.
  "cnilab-host-client": { "client->web:7412/tcp": "connected", "client->web:7412/http": "connected" },
  "cnilab-none-control": { "control->web:80/tcp": "connected" },
  "cnilab-none-isolated": { "isolated->web:80/tcp": "no-route", "isolated->web:80/http": "no-route", "isolated->host:7411/tcp": "no-route" },
  "cnilab-ov-client": { "client->web:80/tcp": "connected", "client->web:80/http": "connected" },
};

/** What the host lab's clash container left, written by hand: busybox httpd's words when the port is held. */
const CLASH = { "cnilab-host-web-again": { exitCode: 1, containerLogs: "httpd: bind: Address already in use\r\n" } } as const;

/** The probe's output for a container, as it prints it on a TTY (lines end in \r\n). */
function fakeProbeLog(container: string): string {
  const lines = Object.entries(OBSERVED[container] ?? {}).map(([id, outcome]) => JSON.stringify({ id, ok: outcome === "connected", outcome, latencyMs: 3, attempts: 1 }));
  lines.push(JSON.stringify({ summary: true, total: lines.length, connected: 0, failed: 0, durationMs: 9 }));
  return lines.map((l) => `${l}\r\n`).join("");
}

let recorded: RecordedResource[];
const byTypeAndName = (a: string[], b: string[]) => (a.join(" ") < b.join(" ") ? -1 : a.join(" ") > b.join(" ") ? 1 : 0);
const outputs = new Map<DockerDriver, ReturnType<typeof programFn>>();
const plans = new Map<DockerDriver, DockerLabPlan>();

beforeAll(async () => {
  recorded = await installMocks({
    outputs: (args) => {
      if (args.type === T.image) return { imageId: `sha256:${args.inputs.name}` };
      const clash = CLASH[String(args.inputs.name) as keyof typeof CLASH];
      if (args.type === T.container && clash) return clash;
      if (args.type === T.container && args.inputs.logs) return { containerLogs: fakeProbeLog(String(args.inputs.name)) };
      return {};
    },
  });
  const { dockerLabProgram } = (await import("../../components/docker/index.js")) as { dockerLabProgram: typeof programFn };
  for (const driver of DOCKER_DRIVERS) {
    const spec = loadDockerStackSpec(path.join(STACKS_DIR, `Pulumi.docker-${driver}.yaml`));
    plans.set(driver, withProbeBundle(planDockerLab(spec), BUNDLE));
    // bridge runs with the real bundle (the default), the others with a stand-in.
    outputs.set(driver, driver === "bridge" ? dockerLabProgram(spec) : dockerLabProgram(spec, BUNDLE));
  }
  await Promise.all([...outputs.values()].flatMap((o) => [settled(o.results), settled(o.networks)]));
});

const ofLab = (driver: DockerDriver) => {
  const prefix = plans.get(driver)!.name;
  const component = recorded.find((r) => r.type === T.lab && r.name === prefix)!;
  const children = recorded.filter((r) => r.parent === component.urn);
  const named = (type: string, name: string) => children.find((r) => r.type === type && r.name === name)!;
  return { component, children, named };
};

describe.each(DOCKER_DRIVERS)("DockerLab for docker-%s", (driver) => {
  it("registers images, then networks, then containers, all children of the component", () => {
    const plan = plans.get(driver)!;
    const { component, children } = ofLab(driver);
    expect(component).toBeDefined();
    // Recorded as each registration's inputs resolve: a dynamic resource (its provider is serialized
    // first) and a container on a predefined network (no network to wait for) can come earlier.
    expect(children.map((r) => [r.type, r.name]).sort(byTypeAndName)).toEqual([
      ...(plan.swarm ? [[T.swarm, plan.swarm.name]] : []),
      ...plan.images.map((ref) => [T.image, `${plan.name}-image-${ref === DOCKER_LAB_IMAGES.busybox ? "busybox" : "probe"}`]),
      ...plan.networks.map((n) => [T.network, n.name]),
      ...plan.containers.map((c) => [T.container, c.name]),
    ].sort(byTypeAndName));
    for (const img of children.filter((r) => r.type === T.image)) expect(img.inputs.keepLocally).toBe(true);
    // States that named them by position carry over.
    expect(children.filter((r) => r.type === T.image).map((r) => r.aliases.map((a) => ("name" in a ? a.name : a)))).toEqual(plan.images.map((_, i) => [`${plan.name}-image-${i}`]));
  });

  it("hands @pulumi/docker the plan's networks: driver, options, internal, IPAM, labels", () => {
    const plan = plans.get(driver)!;
    const { named } = ofLab(driver);
    for (const n of plan.networks) {
      const { role: _role, ...args } = n;
      expect(named(T.network, n.name).inputs).toEqual(args);
    }
  });

  it("hands it the plan's containers at their fixed addresses, on the pulled image", () => {
    const plan = plans.get(driver)!;
    const { named } = ofLab(driver);
    for (const c of plan.containers) {
      const inputs = named(T.container, c.name).inputs;
      expect(inputs.image).toBe(`sha256:${c.image}`);
      expect(inputs.networksAdvanced).toEqual(c.networksAdvanced);
      expect(inputs.networkMode).toBe(c.networkMode);
      expect(inputs.command).toEqual(c.command);
      expect([inputs.attach, inputs.logs, inputs.mustRun, inputs.tty, inputs.init]).toEqual([c.attach, c.logs, c.mustRun, c.tty, c.init]);
      expect(inputs.uploads ?? []).toHaveLength(c.role === "client" ? 2 : 0);
    }
  });

  it("orders what no data edge orders: lab network after the parent and the swarm, clients after wire and servers, a clash after the servers before it", () => {
    const plan = plans.get(driver)!;
    const { named } = ofLab(driver);
    const parent = plan.networks.find((n) => n.role === "parent");
    const before = [...(parent ? [named(T.network, parent.name).urn] : []), ...(plan.swarm ? [named(T.swarm, plan.swarm.name).urn] : [])];
    for (const n of plan.networks.filter((n) => n.role === "lab")) expect(named(T.network, n.name).dependencies).toEqual(before);
    const steady = plan.containers.filter((c) => c.role !== "client").map((c) => named(T.container, c.name).urn);
    plan.containers.forEach((c, i) => {
      const deps = named(T.container, c.name).dependencies;
      if (c.networkMode === undefined) expect(deps).toContain(named(T.network, c.networksAdvanced[0]!.name).urn);
      const earlierServers = plan.containers.slice(0, i).filter((e) => e.role === "server").map((e) => named(T.container, e.name).urn);
      if (c.role === "client") expect(deps).toEqual(expect.arrayContaining(steady));
      else if (c.role === "clash") expect(deps.filter((d) => steady.includes(d))).toEqual(earlierServers);
      else expect(deps.filter((d) => steady.includes(d))).toEqual([]);
    });
  });
});

describe("the resource list (docker/resources.ts) is what the component registers", () => {
  /** Each registration as [type, name, parent's name]: what a URN says about it. */
  const registered = (driver: DockerDriver) => {
    const { component, children } = ofLab(driver);
    return [[component.type, component.name, ""], ...children.map((r) => [r.type, r.name, component.name])];
  };

  it.each(DOCKER_DRIVERS)("docker-%s: every registration", (driver) => {
    expect(registered(driver).sort(byTypeAndName)).toEqual(dockerLabResources(plans.get(driver)!).map((r) => [r.type, r.name, r.parent]).sort(byTypeAndName));
  });

  it("docker-macvlan, written out by hand", () => {
    const [image, network, container] = [T.image, T.network, T.container];
    expect(registered("macvlan")).toEqual([
      [T.lab, "cnilab-mv", ""],
      [image, "cnilab-mv-image-busybox", "cnilab-mv"],
      [image, "cnilab-mv-image-probe", "cnilab-mv"],
      [network, "cnilab-mv-parent", "cnilab-mv"],
      [network, "cnilab-mv-lan", "cnilab-mv"],
      [container, "cnilab-mv-wire", "cnilab-mv"],
      [container, "cnilab-mv-web-a", "cnilab-mv"],
      [container, "cnilab-mv-web-b", "cnilab-mv"],
      [container, "cnilab-mv-client-a", "cnilab-mv"],
      [container, "cnilab-mv-client-b", "cnilab-mv"],
    ]);
  });
});

describe("stack outputs", () => {
  it("the report judges each probe against the facts; a contradicting observation is a mismatch", async () => {
    const bridge = await settled(outputs.get("bridge")!.results);
    expect(bridge.counts).toEqual({ pass: 5, mismatch: 0, error: 0, skipped: 0 });
    const macvlan = await settled(outputs.get("macvlan")!.results);
    expect(macvlan.counts).toEqual({ pass: 4, mismatch: 1, error: 0, skipped: 0 });
    const bad = macvlan.probes.find((p) => p.status !== "pass")!;
    expect([bad.id, bad.expect, bad.accept, bad.observed]).toEqual([TAMPERED, "no-route", undefined, "connected"]);
    const l3 = await settled(outputs.get("ipvlan-l3")!.results);
    expect(l3.counts).toEqual({ pass: 4, mismatch: 0, error: 0, skipped: 1 });
    expect(l3.probes.filter((p) => p.status === "skipped").map((s) => s.id)).toEqual(["client-a->host:7411/tcp"]);
  });

  it("host: the client reaches the server on loopback and the clash's exit and log show EADDRINUSE; none: only the control client connects", async () => {
    const host = await settled(outputs.get("host")!.results);
    expect(host.probes.map((p) => [p.id, p.group, p.observed, p.status])).toEqual([
      ["client->web:7412/tcp", "shared-namespace", "connected", "pass"],
      ["client->web:7412/http", "shared-namespace", "connected", "pass"],
      ["web-again->web:7412/tcp", "bind", "in-use", "pass"],
    ]);
    expect(host.probes[2]!.detail).toBe("httpd: bind: Address already in use (exit 1)");
    const none = await settled(outputs.get("none")!.results);
    expect(none.counts).toEqual({ pass: 4, mismatch: 0, error: 0, skipped: 0 });
    const overlay = await settled(outputs.get("overlay")!.results);
    expect(overlay.counts).toEqual({ pass: 2, mismatch: 0, error: 0, skipped: 1 });
  });

  it("overlay: swarm mode on loopback addresses, labelled with the stack's identity", () => {
    const { named } = ofLab("overlay");
    const { advertiseAddress, listenAddress, dataPathAddress, nodeLabels } = named(T.swarm, "cnilab-ov-swarm").inputs;
    expect({ advertiseAddress, listenAddress, dataPathAddress, nodeLabels }).toEqual({
      advertiseAddress: "127.0.0.1",
      listenAddress: "127.0.0.1:2377",
      dataPathAddress: "127.0.0.1",
      nodeLabels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "docker-overlay" },
    });
    expect(named(T.network, "cnilab-ov-ov").inputs).toMatchObject({ driver: "overlay", attachable: true, internal: true });
  });

  it("says where the parent is and that no lab traffic touches the uplink", async () => {
    expect(outputs.get("macvlan")!.parent).toMatchObject({ kind: "lab-made", device: "cnilab-mv-br" });
    expect(outputs.get("macvlan")!.parent.note).toMatch(/no lab traffic touches the host's uplink/);
    expect(outputs.get("bridge")!.parent.kind).toBe("none");
    expect(await settled(outputs.get("ipvlan-l2")!.networks)).toEqual(["cnilab-ipvl2-parent", "cnilab-ipvl2-lan"]);
  });

  it("uploads the real probe bundle by default", () => {
    const client = ofLab("bridge").named(T.container, "cnilab-br-client-a");
    const bundle = (client.inputs.uploads as { file: string; content: string }[]).find((u) => u.file === "/probe/probe.js")!;
    expect(bundle.content).toContain("--plan");
    expect(bundle.content.length).toBeGreaterThan(5_000);
  });
});
