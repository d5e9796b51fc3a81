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
};

/** The probe's output for a container, as it prints it on a TTY (lines end in \r\n). */
function fakeProbeLog(container: string): string {
  const lines = Object.entries(OBSERVED[container] ?? {}).map(([id, outcome]) => JSON.stringify({ id, ok: outcome === "connected", outcome, latencyMs: 3, attempts: 1 }));
  lines.push(JSON.stringify({ summary: true, total: lines.length, connected: 0, failed: 0, durationMs: 9 }));
  return lines.map((l) => `${l}\r\n`).join("");
}

let recorded: RecordedResource[];
const outputs = new Map<DockerDriver, ReturnType<typeof programFn>>();
const plans = new Map<DockerDriver, DockerLabPlan>();

beforeAll(async () => {
  recorded = await installMocks({
    outputs: (args) => {
      if (args.type === T.image) return { imageId: `sha256:${args.inputs.name}` };
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
    expect(children.map((r) => [r.type, r.name])).toEqual([
      ...plan.images.map((ref) => [T.image, `${plan.name}-image-${ref === DOCKER_LAB_IMAGES.busybox ? "busybox" : "probe"}`]),
      ...plan.networks.map((n) => [T.network, n.name]),
      ...plan.containers.map((c) => [T.container, c.name]),
    ]);
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
      expect(inputs.command).toEqual(c.command);
      expect([inputs.attach, inputs.logs, inputs.mustRun, inputs.tty, inputs.init]).toEqual([c.attach, c.logs, c.mustRun, c.tty, c.init]);
      expect(inputs.uploads ?? []).toHaveLength(c.role === "client" ? 2 : 0);
    }
  });

  it("orders what no data edge orders: lab network after the parent, clients after wire and servers", () => {
    const plan = plans.get(driver)!;
    const { named } = ofLab(driver);
    const parent = plan.networks.find((n) => n.role === "parent");
    for (const n of plan.networks.filter((n) => n.role === "lab")) {
      const deps = named(T.network, n.name).dependencies;
      if (parent) expect(deps).toContain(named(T.network, parent.name).urn);
      else expect(deps).toEqual([]);
    }
    const steady = plan.containers.filter((c) => c.role !== "client").map((c) => named(T.container, c.name).urn);
    for (const c of plan.containers) {
      const deps = named(T.container, c.name).dependencies;
      const onNetwork = named(T.network, c.networksAdvanced[0]!.name).urn;
      expect(deps).toContain(onNetwork);
      if (c.role === "client") expect(deps).toEqual(expect.arrayContaining(steady));
      else expect(deps.filter((d) => steady.includes(d))).toEqual([]);
    }
  });
});

describe("the resource list (docker/resources.ts) is what the component registers", () => {
  /** Each registration as [type, name, parent's name]: what a URN says about it. */
  const registered = (driver: DockerDriver) => {
    const { component, children } = ofLab(driver);
    return [[component.type, component.name, ""], ...children.map((r) => [r.type, r.name, component.name])];
  };

  it.each(DOCKER_DRIVERS)("docker-%s: every registration, in order", (driver) => {
    expect(registered(driver)).toEqual(dockerLabResources(plans.get(driver)!).map((r) => [r.type, r.name, r.parent]));
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
