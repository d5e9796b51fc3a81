/**
 * plan / up / down / verify on the Docker-only stacks (docker-*): the Docker plan printed, and the
 * lab's `results` output (docker/report.ts, built here from probe log lines as the component builds
 * it) shown as expected against observed, through the real Automation API against the fake `pulumi`.
 * No kind anywhere: the fake machine of most tests has none on its PATH.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dockerResourceCount, planDocker } from "../../cli/docker-plan";
import { runDown } from "../../cli/down";
import { main } from "../../cli/main";
import { runPlanCommand } from "../../cli/plan";
import { runUp, type LabCommandDeps } from "../../cli/up";
import { runVerify } from "../../cli/verify";
import { DOCKER_LAB_IMAGES } from "../../pins";
import { imageResourceName, loadDockerStackSpec, reportDockerLab, type DockerLabPlan, type DockerLabReport } from "../../docker";
import type { ProbeOutcome } from "../../probe/types";
import { ROOT, STACKS_DIR } from "../helpers/stacks";
import { LAB_TEST_TIMEOUT_MS, installFakes, type Call, type FakeConfig, type FakeMachine } from "./fakes/install";
import { HEALTHY, makeRoot } from "./fakes/root";
import { captureIo } from "./io";
import { labRunner, type LabRun } from "./fakes/lab";

const dockerPlan = (stack: string) => planDocker(loadDockerStackSpec(join(STACKS_DIR, `Pulumi.${stack}.yaml`)));

async function plan(...argv: string[]) {
  const io = captureIo({}, ROOT);
  const code = await runPlanCommand(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("cnilab plan <docker stack>", () => {
  it("docker-macvlan: driver facts, the lab-made parent, networks, containers at fixed addresses, probes", async () => {
    const { code, out, err } = await plan("docker-macvlan");
    expect([code, err]).toEqual([0, ""]);
    expect(out.split("\n").filter((l) => /^\S.*:$/.test(l))).toEqual([
      "Stack:",
      "Driver:",
      "Parent:",
      "Networks:",
      "Containers (fixed addresses):",
      "Probes (expected outcome, and why):",
    ]);
    expect(out.split("\n")).toEqual(
      expect.arrayContaining([
        "  docker-macvlan (stacks/Pulumi.docker-macvlan.yaml): Docker-only lab 'docker-drivers' (One topology, four Docker network drivers), driver macvlan",
        "  9 Pulumi resources: 2 images, 2 networks, 5 containers",
        "  macvlan: Docker driver macvlan (macvlan_mode=bridge), one macvlan link per container",
        "  paths: same-subnet connected; cross-subnet no-route; host no-route",
        "  lab-made: Linux bridge cnilab-mv-br (Docker network cnilab-mv-parent), host address 10.255.214.1",
        "  the lab made its own parent, the Linux bridge cnilab-mv-br (Docker network cnilab-mv-parent, internal): no lab traffic touches the host's uplink",
        "  cnilab-mv-parent  bridge, internal  com.docker.network.bridge.name=cnilab-mv-br",
        "    10.255.214.0/24  gateway 10.255.214.1",
        "  cnilab-mv-lan     macvlan  macvlan_mode=bridge, parent=cnilab-mv-br",
        "    192.168.214.0/24  gateway 192.168.214.1",
        "    10.1.214.0/24  gateway 10.1.214.1",
        "  cnilab-mv-wire      wire    10.255.214.2 on cnilab-mv-parent  sleep 2147483647",
        "  cnilab-mv-web-a     server  192.168.214.10 on cnilab-mv-lan   httpd -f -p 80 -h /",
        "  cnilab-mv-client-a  client  192.168.214.9 on cnilab-mv-lan    node /probe/probe.js --plan /probe/plan.json",
        "  5 probes from 2 assertion containers: client-a, client-b",
      ]),
    );
    expect(out).toContain("  client-a → web-b (10.1.214.10:80/tcp, cross-subnet)  expect no-route  — macvlan has no router:");
    expect(out).toContain("  client-a → host (10.255.214.1:7411/tcp, host)  expect no-route  — a macvlan child never reaches its parent's own stack");
    expect(out).not.toContain("skipped:");
    expect(dockerResourceCount(dockerPlan("docker-macvlan"))).toBe(9);
  });

  it("docker-ipvlan-l3: no gateways, routing across subnets expected, the host probe skipped with the reason", async () => {
    const { code, out } = await plan("docker-ipvlan-l3");
    expect(code).toBe(0);
    expect(out.split("\n")).toEqual(
      expect.arrayContaining([
        "  ipvlan-l3: Docker driver ipvlan (ipvlan_mode=l3), one ipvlan link per container",
        "  parent interface: yes; IPv4 subnets per network: many; gateway: ignored: the containers' default route is the device itself; broadcast and multicast: not delivered",
        "  paths: same-subnet connected; cross-subnet connected; host not probed",
        "  cnilab-ipvl3-lan     ipvlan  ipvlan_mode=l3, parent=cnilab-ipvl3-br",
        "    192.168.214.0/24  no gateway (default route via the device)",
        "    10.1.214.0/24  no gateway (default route via the device)",
        "  4 probes from 2 assertion containers: client-a, client-b",
        "  skipped:",
      ]),
    );
    expect(out).toContain("  client-b → web-a (192.168.214.10:80/tcp, cross-subnet)  expect connected  — L3 mode routes unicast between subnets");
    expect(out).toMatch(/\n {4}client-a->host:7411\/tcp: in L3 mode .* to keep lab traffic off the uplink\n/);
  });

  it("--images lists the two pinned images; --json is the plan with the probe bundle as its size", async () => {
    const images = await plan("docker-bridge", "--images");
    expect(images.out).toBe(`${DOCKER_LAB_IMAGES.busybox}\n${DOCKER_LAB_IMAGES.probe}\n`);
    expect(JSON.parse((await plan("docker-bridge", "--images", "--json")).out)).toEqual([DOCKER_LAB_IMAGES.busybox, DOCKER_LAB_IMAGES.probe]);
    const json = JSON.parse((await plan("docker-macvlan", "--json")).out) as Omit<DockerLabPlan, "containers"> & { containers: { name: string; uploads: { file: string; bytes?: number; content?: string }[] }[] };
    expect(json.driver).toBe("macvlan");
    expect(json.networks.map((n) => n.name)).toEqual(["cnilab-mv-parent", "cnilab-mv-lan"]);
    const client = json.containers.find((c) => c.name === "cnilab-mv-client-a")!;
    expect(client.uploads[0]).toEqual({ file: "/probe/probe.js", bytes: expect.any(Number) });
    expect(client.uploads[0]!.bytes).toBeGreaterThan(1000);
    expect(JSON.parse(client.uploads[1]!.content!).probes.map((p: { id: string }) => p.id)).toEqual(["client-a->web-a:80/tcp", "client-a->web-b:80/tcp", "client-a->host:7411/tcp"]);
  });

  it("a kind-only command names a Docker-only stack as such instead of a spec error", async () => {
    const io = captureIo({}, ROOT);
    expect(await main(["perf", "docker-macvlan"], io)).toBe(2);
    expect(io.err()).toBe(
      "cnilab perf: stacks/Pulumi.docker-macvlan.yaml: cnilab:lab: a Docker-only lab (lab 'docker-drivers', no Kubernetes); cnilab perf works on the kind-cluster stacks\n",
    );
  });
});

const line = (id: string, outcome: ProbeOutcome) => JSON.stringify({ id, ok: outcome === "connected", outcome, latencyMs: 4, attempts: 1 });

/** The `results` output: every probe's log line from its client, as the component reads them back; `override` changes outcomes by id. */
function resultsFor(p: DockerLabPlan, override: Record<string, ProbeOutcome> = {}): DockerLabReport {
  const logs: Record<string, string> = {};
  for (const probe of p.probes) logs[probe.client] = `${logs[probe.client] ?? ""}${line(probe.id, override[probe.id] ?? probe.expect)}\r\n`;
  return reportDockerLab(p, logs);
}

/** What the Docker lab registers (components/docker/index.ts), and its outputs. */
function programFor(p: DockerLabPlan, results: DockerLabReport): NonNullable<FakeConfig["program"]> {
  return {
    resources: [
      { type: "pulumi:pulumi:Stack", name: "cnilab-docker-macvlan", custom: false },
      { type: "cnilab:docker:DockerLab", name: p.name, custom: false },
      { type: "pulumi:providers:docker", name: "default", custom: true },
      ...p.images.map((ref) => ({ type: "docker:index/remoteImage:RemoteImage", name: imageResourceName(p.name, ref), custom: true })),
      ...p.networks.map((n) => ({ type: "docker:index/network:Network", name: n.name, custom: true })),
      ...p.containers.map((c) => ({ type: "docker:index/container:Container", name: c.name, custom: true })),
    ],
    outputs: {
      lab: { value: p.lab, secret: false },
      driver: { value: p.driver, secret: false },
      parent: { value: p.parent, secret: false },
      networks: { value: p.networks.map((n) => n.name), secret: false },
      containers: { value: p.containers.map((c) => c.name), secret: false },
      results: { value: results, secret: false },
    },
  };
}

describe("cnilab up / verify / down <docker stack>", { timeout: LAB_TEST_TIMEOUT_MS }, () => {
  const STACK = "docker-macvlan";
  const lab = dockerPlan(STACK);
  const labels = (name: string) => Object.fromEntries(lab.containers.find((c) => c.name === name)!.labels.map((l) => [l.label, l.value]));
  let m: FakeMachine;
  let deps: LabCommandDeps;
  const run: LabRun = (fn, argv) => labRunner(m, () => deps)(fn, argv);
  const pulumiCalls = (): Call[] => m.calls("pulumi").filter((c) => c.argv[0] !== "version");

  beforeEach(() => {
    // Docker and Pulumi only: a Docker-only lab must not need kind.
    m = installFakes(["pulumi", "docker"]);
    m.configure({ program: programFor(lab, resultsFor(lab)) });
    deps = { host: m.host(makeRoot(HEALTHY)), root: m.project, tty: false };
  });
  afterEach(() => m.cleanup());

  it("up: no kind, the Docker plan's resource count, the outputs, then expected against observed; exit 0", async () => {
    const { code, out, err } = await run(runUp, [STACK]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).not.toMatch(/kind cluster|kubectl/);
    const up = pulumiCalls().find((c) => c.argv[0] === "up")!;
    expect(up.config).toMatchObject({ "cnilab:lab": "docker-drivers", "cnilab:dockerDriver": "macvlan" });
    expect(up.env?.CNILAB_KIND).toBeUndefined();
    expect(out).toContain(`creating lab ${STACK} (9 resources)`);
    expect(out).toContain("9/9 created docker:index/container:Container cnilab-mv-client-b");
    expect(out).toMatch(new RegExp(`Lab ${STACK} is up \\(\\d+s\\)`));
    expect(out).toContain("  driver      macvlan\n");
    expect(out).toContain('  networks    ["cnilab-mv-parent","cnilab-mv-lan"]\n');
    expect(out).not.toMatch(/^ {2}results/m);
    expect(out).toContain("docker: docker ps -a --filter name=cnilab-mv-\n");
    expect(out).toContain(`Remove it all: cnilab down ${STACK}\n`);
    expect(out).toContain(`cnilab verify ${STACK} (Docker-only lab docker-drivers, driver macvlan)\n`);
    expect(out).toMatch(/\n {2}cross-subnet +client-a → web-b +10\.1\.214\.10:80\/tcp +no-route +no-route +ok\n/);
    expect(out).toMatch(/\n {2}host +client-a → host +10\.255\.214\.1:7411\/tcp +no-route +no-route +ok\n/);
    expect(out.trimEnd().split("\n").pop()).toBe("5 as expected, 0 mismatched, 0 errors, 0 skipped");
  });

  it("a probe that disagrees with the driver's facts: up and verify explain it and exit 1; --json carries it", async () => {
    m.configure({ program: programFor(lab, resultsFor(lab, { "client-a->host:7411/tcp": "refused" })) });
    const up = await run(runUp, [STACK]);
    expect(up.code).toBe(1);
    const mismatch = [
      "  MISMATCH client-a->host:7411/tcp: client-a → host (10.255.214.1:7411/tcp)",
      "    expected no-route, observed refused after 1 attempt(s)",
      "    observed refused (the target answered no",
      "expected no-route because a macvlan child never reaches its parent's own stack",
    ];
    for (const l of mismatch) expect(up.out).toContain(l);
    expect(up.out).toMatch(/\n {2}host +client-a → host +10\.255\.214\.1:7411\/tcp +no-route +refused +MISMATCH\n/);

    const verify = await run(runVerify, [STACK]);
    expect(verify.code).toBe(1);
    expect(verify.out).toBe(up.out.slice(up.out.indexOf(`cnilab verify ${STACK}`)));
    const json = await run(runVerify, [STACK, "--json"]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as DockerLabReport;
    expect(report.counts).toEqual({ pass: 4, mismatch: 1, error: 0, skipped: 0 });
    expect(report.probes.find((p) => p.status !== "pass")!.observed).toBe("refused");
  });

  it("verify: 0 when all agree, 2 when the lab is not up, --junit refused for a Docker-only stack", async () => {
    const never = await run(runVerify, [STACK]);
    expect([never.code, never.err]).toEqual([2, `cnilab verify: lab ${STACK} is not up (no stack in the state): run 'cnilab up ${STACK}' first\n`]);
    expect((await run(runUp, [STACK])).code).toBe(0);
    const ok = await run(runVerify, [STACK]);
    expect(ok.code).toBe(0);
    expect(ok.out.startsWith(`cnilab verify ${STACK} (Docker-only lab docker-drivers, driver macvlan)\nparent: the lab made its own parent`)).toBe(true);
    const junit = await run(runVerify, [STACK, "--junit", "x.xml"]);
    expect(junit.code).toBe(2);
    expect(junit.err).toBe("cnilab verify: --junit is for kind-cluster stacks; docker-macvlan is a Docker-only lab (its report: --json)\n(see 'cnilab verify --help')\n");
  });

  it("down: destroy, then the leftover containers and networks carrying the stack's labels (others left alone), no kind; idempotent", async () => {
    expect((await run(runUp, [STACK])).code).toBe(0);
    // What Docker still holds after a killed up, next to a stranger's container of the same name pattern.
    m.addContainer("cnilab-mv-client-a", labels("cnilab-mv-client-a"));
    m.addContainer("cnilab-mv-wire", labels("cnilab-mv-wire"));
    m.addContainer("cnilab-mv-web-a", { owner: "someone else" });
    const networkLabels = (name: string) => Object.fromEntries(lab.networks.find((n) => n.name === name)!.labels.map((l) => [l.label, l.value]));
    m.addNetwork("cnilab-mv-lan", "192.168.214.0/24", networkLabels("cnilab-mv-lan"));
    m.addNetwork("cnilab-mv-parent", "10.255.214.0/24", networkLabels("cnilab-mv-parent"));
    const down = await run(runDown, [STACK]);
    expect(down.err).toBe("");
    expect(down.code).toBe(0);
    expect(down.out).toContain(`Pulumi: destroyed stack ${STACK} (9 resources).`);
    const report = down.out.slice(down.out.indexOf("Pulumi: destroyed")).split("\n");
    // Containers first (the lab's own, then what the plan names but is not the stack's), then the
    // networks, the parent bridge last.
    expect(report.slice(1, 8)).toEqual([
      "Removed the leftover Docker container cnilab-mv-client-a.",
      "Removed the leftover Docker container cnilab-mv-wire.",
      "No Docker container cnilab-mv-client-b left.",
      "No Docker container cnilab-mv-web-b left.",
      "Docker container cnilab-mv-web-a exists without this stack's labels (io.cnilab.project=cnilab, io.cnilab.stack=docker-macvlan): left alone.",
      "Removed the leftover Docker network cnilab-mv-lan.",
      "Removed the leftover Docker network cnilab-mv-parent.",
    ]);
    expect(m.containers()).toEqual(["cnilab-mv-web-a"]);
    expect(m.networks()).toEqual([]);
    expect(m.calls("docker").map((c) => c.argv.join(" "))).toContain("rm -f cnilab-mv-client-a");
    expect(m.calls("kind")).toEqual([]);

    const again = await run(runDown, [STACK]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("No Docker container cnilab-mv-client-a left.");
    expect(again.out).toContain("No Docker network cnilab-mv-parent left.");
  });

  it("preflight: kind is not needed, the driver's kernel module is (ipvlan absent stops docker-ipvlan-l2), the bridge driver needs none", async () => {
    const noIpvlan = makeRoot({ ...HEALTHY, procModules: ["macvlan"], dep: ["macvlan"], builtin: [], config: { CONFIG_IPVLAN: "n" } });
    const io = captureIo(m.env, m.dir);
    expect(await runUp(["docker-ipvlan-l2"], io, { ...deps, host: m.host(noIpvlan) })).toBe(2);
    expect(io.err()).toBe(
      "cnilab up: missing prerequisite: ipvlan (for the ipvlan-l2 driver): not in this kernel (CONFIG_IPVLAN is not set in /proc/config.gz). " +
        "Fix: use a kernel built with CONFIG_IPVLAN (=y or =m)\n",
    );
    expect(pulumiCalls()).toEqual([]);

    // No macvlan/ipvlan at all, no ip_forward, no kind: the bridge lab still comes up.
    const bare = makeRoot({ ...HEALTHY, procModules: [], dep: [], builtin: [], ipForward: 0 });
    const bridge = captureIo(m.env, m.dir);
    m.configure({ program: programFor(dockerPlan("docker-bridge"), resultsFor(dockerPlan("docker-bridge"))) });
    expect(await runUp(["docker-bridge"], bridge, { ...deps, host: m.host(bare) })).toBe(0);
    expect(bridge.err()).toBe("");
    expect(bridge.out()).not.toContain("warning:");

    // The same machine cannot bring up a kind stack: kind is missing.
    const kindStack = captureIo(m.env, m.dir);
    expect(await runUp(["flannel-vxlan"], kindStack, deps)).toBe(2);
    expect(kindStack.err()).toMatch(/^cnilab up: missing prerequisite: kind /m);
  });
});
