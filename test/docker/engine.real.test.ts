/**
 * The Docker-only labs for real, against the Docker engine on this machine: each stack's plan is
 * created through the Engine API with exactly the data the component hands to @pulumi/docker
 * (./engine.ts maps it), the assertion containers run the bundled probe and print to their
 * logs, and the report built from those logs must agree with the driver's facts.
 *
 * Two substitutions, because no registry is reachable here: every container runs an image imported
 * from Debian's busybox-static, and the assertion containers get the host's node binary (and the
 * libraries it links) bind-mounted read-only instead of the Node image. Command, uploads, TTY, init,
 * network and address stay as planned.
 *
 * Traffic stays inside the lab: the macvlan parent is the lab-made bridge (never eth0), the host
 * probes go to an address on a device the test created, where the test itself listens.
 */
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { createServer, type Server } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DOCKER_DRIVERS,
  DRIVER_FACTS,
  loadDockerSpec,
  planDockerLab,
  withProbeBundle,
  reportDockerLab,
  type DockerDriver,
  type DockerLabPlan,
  type DockerLabReport,
} from "../../docker";
import { readStackFile } from "../../labs";
import { bundleProbe } from "../../probe/bundle";
import { expectedText } from "../../verdict/judge";
import type { ProbeOutcome } from "../../probe/types";
import { STACKS_DIR } from "../helpers/stacks";
import { containerCreateRequest, networkCreateBody, uploadArchive } from "./engine";
import { Engine } from "./engine-client";
import { busyboxRootfs, dockerEngineUnavailable, linkTypeUnavailable } from "./host";

const IMAGE = `cnilab-test-busybox:${process.pid}`;
/** Test objects get their own name prefix (and so their own parent bridge device), never a real lab's. */
const testName = (driver: DockerDriver) => `cdt-${DRIVER_FACTS[driver].short}`;

const engineMissing = dockerEngineUnavailable();
const rootfs = engineMissing ? undefined : busyboxRootfs();
const setupMissing = engineMissing ?? (typeof rootfs === "string" ? rootfs : undefined);
if (setupMissing) console.warn(`[skip] real Docker lab tests: ${setupMissing}`);
const kernelMissing = Object.fromEntries(
  DOCKER_DRIVERS.map((d) => [d, setupMissing ? undefined : linkTypeUnavailable(DRIVER_FACTS[d].linkType)]),
) as Record<DockerDriver, string | undefined>;
for (const d of DOCKER_DRIVERS) {
  if (kernelMissing[d]) console.warn(`[skip] docker-${d} for real: ${kernelMissing[d]}; its plan is checked under mocks (component.test.ts)`);
}

const TITLES: Record<DockerDriver, string> = {
  bridge: "same subnet connects, the other subnet's network is dropped (timeout), the host's bridge address answers",
  macvlan: "on the lab-made bridge, same subnet connects; across subnets and to the host's parent address there is no route",
  "ipvlan-l2": "every probe as the driver's facts say",
  "ipvlan-l3": "every probe as the driver's facts say",
};

/**
 * What this machine showed, written down apart from the facts table so a wrong fact cannot pass
 * unnoticed. The host probes find the test's own listener, so a failure there is the driver's doing.
 * ipvlan was never observed here (the kernel lacks it); on a kernel with it, the facts alone judge.
 */
const OBSERVED: Partial<Record<DockerDriver, Record<string, ProbeOutcome>>> = {
  bridge: {
    "client-a->web-a:80/tcp": "connected",
    "client-a->web-b:80/tcp": "timeout",
    "client-b->web-a:80/tcp": "timeout",
    "client-b->web-b:80/http": "connected",
    "client-a->host:7411/tcp": "connected",
  },
  macvlan: {
    "client-a->web-a:80/tcp": "connected",
    "client-a->web-b:80/tcp": "no-route",
    "client-b->web-a:80/tcp": "no-route",
    "client-b->web-b:80/http": "connected",
    "client-a->host:7411/tcp": "no-route",
  },
};

const engine = new Engine();
let bundle: string;

/** The host's node and the libraries it links, read-only, where the client's `node` command finds them. */
function nodeBinds(): string[] {
  const binds = [`${process.execPath}:/usr/local/bin/node:ro`, `${realpathSync("/lib")}:/lib:ro`];
  if (existsSync("/lib64")) binds.push(`${realpathSync("/lib64")}:/lib64:ro`);
  return binds;
}

interface LabRun {
  plan: DockerLabPlan;
  report: DockerLabReport;
  exitCodes: Record<string, number>;
  parentSeen: boolean;
  seconds: number;
}

/** Creates the plan on the engine, runs the clients, reads their logs; removes everything after. */
async function runLab(driver: DockerDriver): Promise<LabRun> {
  const stackFile = path.join(STACKS_DIR, `Pulumi.docker-${driver}.yaml`);
  const name = testName(driver);
  const plan = withProbeBundle(planDockerLab(loadDockerSpec({ ...readStackFile(stackFile), name }, stackFile)), bundle);
  const started = Date.now();
  await engine.removeLabelled("cnilab.name", name); // leftovers of a run that was killed
  const listeners: Server[] = [];
  try {
    for (const n of plan.networks) await engine.json("POST", "/networks/create", networkCreateBody(n));
    // The host side of the "host" probes: the address is on a bridge this test just created.
    for (const address of new Set(plan.probes.filter((p) => p.toLabel === "host").map((p) => `${p.to}:${p.port}`))) {
      const [ip, port] = address.split(":");
      const server = createServer((s) => s.end());
      await new Promise<void>((resolve, reject) => server.once("error", reject).listen(Number(port), ip, resolve));
      listeners.push(server);
    }
    const ids = new Map<string, string>();
    for (const c of plan.containers) {
      const { name: containerName, body } = containerCreateRequest(c);
      body.Image = IMAGE;
      if (c.role === "client") body.HostConfig = { ...(body.HostConfig as object), Binds: nodeBinds() };
      const { Id } = await engine.json<{ Id: string }>("POST", `/containers/create?name=${containerName}`, body);
      if (c.uploads.length > 0) {
        await engine.call("PUT", `/containers/${Id}/archive?path=/`, uploadArchive(c.uploads), { contentType: "application/x-tar" });
      }
      if (c.role !== "client") await engine.call("POST", `/containers/${Id}/start`);
      ids.set(c.labName, Id);
    }
    const clients = plan.containers.filter((c) => c.role === "client");
    // No order between clients, as under Pulumi, which creates them side by side.
    await Promise.all(clients.map((c) => engine.call("POST", `/containers/${ids.get(c.labName)}/start`)));
    const parentSeen = plan.parent.kind === "lab-made" && existsSync(`/sys/class/net/${plan.parent.device}`);
    const logs: Record<string, string> = {};
    const exitCodes: Record<string, number> = {};
    for (const c of clients) {
      const id = ids.get(c.labName)!;
      exitCodes[c.labName] = (await engine.json<{ StatusCode: number }>("POST", `/containers/${id}/wait`, undefined, 60_000)).StatusCode;
      logs[c.labName] = (await engine.call("GET", `/containers/${id}/logs?stdout=1&stderr=1`)).body.toString();
    }
    return { plan, report: reportDockerLab(plan, logs), exitCodes, parentSeen, seconds: (Date.now() - started) / 1000 };
  } finally {
    for (const l of listeners) l.close();
    await engine.removeLabelled("cnilab.name", name);
  }
}

function printReport(run: LabRun): void {
  const rows = run.report.probes.map((p) => `  ${p.status === "pass" ? "ok  " : "FAIL"} ${p.id.padEnd(26)} ${p.group.padEnd(12)} expect ${expectedText(p).padEnd(17)} saw ${p.observed} (${p.latencyMs} ms)`);
  console.log(`docker-${run.plan.driver}: ${run.report.counts.pass}/${run.report.probes.length} as the facts say, in ${run.seconds.toFixed(1)} s\n${rows.join("\n")}`);
}

describe.skipIf(setupMissing !== undefined)("Docker-only labs on the real engine", () => {
  beforeAll(async () => {
    bundle = bundleProbe();
    const tar = execFileSync("tar", ["-C", (rootfs as { dir: string }).dir, "-c", "."], { maxBuffer: 64 << 20 });
    const [repo, tag] = IMAGE.split(":");
    await engine.call("POST", `/images/create?fromSrc=-&repo=${repo}&tag=${tag}`, tar, { contentType: "application/x-tar", timeoutMs: 60_000 });
  }, 90_000);

  afterAll(async () => {
    for (const d of DOCKER_DRIVERS) await engine.removeLabelled("cnilab.name", testName(d)).catch(() => undefined);
    await engine.call("DELETE", `/images/${IMAGE}?force=1`).catch(() => undefined);
    if (typeof rootfs === "object") rootfs.remove();
  }, 60_000);

  for (const driver of DOCKER_DRIVERS) {
    it.skipIf(kernelMissing[driver] !== undefined)(`docker-${driver}: ${TITLES[driver]}`, async () => {
      const run = await runLab(driver);
      printReport(run);
      expect(run.exitCodes).toEqual({ "client-a": 0, "client-b": 0 });
      if (run.plan.parent.kind === "lab-made") {
        expect(run.parentSeen).toBe(true);
        expect(existsSync(`/sys/class/net/${run.plan.parent.device}`)).toBe(false); // removed with its network
      }
      const observed = OBSERVED[driver];
      if (observed) expect(Object.fromEntries(run.report.probes.filter((p) => p.status !== "skipped").map((p) => [p.id, p.observed]))).toEqual(observed);
      expect(run.report.probes.filter((p) => p.status !== "pass" && p.status !== "skipped")).toEqual([]);
    }, 120_000);
  }
});

