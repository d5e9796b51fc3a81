/**
 * The Docker-only labs for real, against the Docker engine on this machine (./run-lab.ts creates each
 * stack's plan through the Engine API and reads the report back); the report must agree with the
 * driver's facts, and with what this machine showed, written down below apart from the facts.
 * The overlay lab, which needs swarm mode, is overlay.real.test.ts.
 *
 * Traffic stays inside the lab: the macvlan parent is the lab-made bridge (never eth0), the host
 * probes go to an address on a device the test created, where the test itself listens; the host
 * lab's servers bind the host's loopback only.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRIVER_FACTS, type DockerDriver } from "../../docker";
import { bundleProbe } from "../../probe/bundle";
import type { ProbeOutcome } from "../../probe/types";
import { busyboxRootfs, type BusyboxRootfs, dockerEngineUnavailable, linkTypeUnavailable } from "./host";
import { engine, importImage, printReport, removeImage, runLab, testName, testPlan } from "./run-lab";

const IMAGE = `cnilab-test-busybox:${process.pid}`;
/** The drivers run here; overlay needs swarm mode (overlay.real.test.ts). */
const DRIVERS = ["bridge", "macvlan", "ipvlan-l2", "ipvlan-l3", "host", "none"] as const satisfies readonly DockerDriver[];
type Driver = (typeof DRIVERS)[number];

const engineMissing = dockerEngineUnavailable();
const rootfs = engineMissing ? undefined : busyboxRootfs();
const setupMissing = engineMissing ?? (typeof rootfs === "string" ? rootfs : undefined);
if (setupMissing) console.warn(`[skip] real Docker lab tests: ${setupMissing}`);
const kernelMissing = Object.fromEntries(DRIVERS.map((d) => [d, setupMissing ? undefined : linkTypeUnavailable(DRIVER_FACTS[d].linkType)])) as Record<Driver, string | undefined>;
for (const d of DRIVERS) {
  if (kernelMissing[d]) console.warn(`[skip] docker-${d} for real: ${kernelMissing[d]}; its plan is checked under mocks (component.test.ts)`);
}

const TITLES: Record<Driver, string> = {
  bridge: "same subnet connects, the other subnet's network is dropped (timeout), the host's bridge address answers",
  macvlan: "on the lab-made bridge, same subnet connects; across subnets and to the host's parent address there is no route",
  "ipvlan-l2": "every probe as the driver's facts say",
  "ipvlan-l3": "every probe as the driver's facts say",
  host: "the server is reached on the host's loopback from another container, and a second bind of its port fails with EADDRINUSE",
  none: "the control client reaches the server; every probe from the loopback-only client fails at once with ENETUNREACH",
};

/**
 * What this machine showed, written down apart from the facts table so a wrong fact cannot pass
 * unnoticed. The host probes find the test's own listener, so a failure there is the driver's doing.
 * ipvlan was never observed here (the kernel lacks it); on a kernel with it, the facts alone judge.
 */
const OBSERVED: Partial<Record<Driver, Record<string, ProbeOutcome>>> = {
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
  host: {
    "client->web:7412/tcp": "connected",
    "client->web:7412/http": "connected",
    "web-again->web:7412/tcp": "in-use",
  },
  none: {
    "control->web:80/tcp": "connected",
    "isolated->web:80/tcp": "no-route",
    "isolated->web:80/http": "no-route",
    "isolated->host:7411/tcp": "no-route",
  },
};

/** The probe's detail where it names the exact error (a connect's errno, the clash's own words). */
const DETAIL: Partial<Record<Driver, Record<string, string>>> = {
  host: { "web-again->web:7412/tcp": "httpd: bind: Address already in use (exit 1)" },
  none: { "isolated->web:80/tcp": "ENETUNREACH", "isolated->web:80/http": "ENETUNREACH", "isolated->host:7411/tcp": "ENETUNREACH" },
};

describe.skipIf(setupMissing !== undefined)("Docker-only labs on the real engine", () => {
  beforeAll(() => importImage(IMAGE, rootfs as BusyboxRootfs), 90_000);

  afterAll(async () => {
    for (const d of DRIVERS) await engine.removeLabelled("cnilab.name", testName(d)).catch(() => undefined);
    await removeImage(IMAGE, rootfs);
  }, 60_000);

  for (const driver of DRIVERS) {
    it.skipIf(kernelMissing[driver] !== undefined)(`docker-${driver}: ${TITLES[driver]}`, async () => {
      const run = await runLab(testPlan(driver, bundleProbe()), IMAGE);
      printReport(run);
      const clients = run.plan.containers.filter((c) => c.role === "client").map((c) => c.labName);
      expect(run.exitCodes).toEqual(Object.fromEntries(clients.map((c) => [c, 0])));
      if (run.plan.parent.kind === "lab-made") {
        expect(run.parentSeen).toBe(true);
        expect(existsSync(`/sys/class/net/${run.plan.parent.device}`)).toBe(false); // removed with its network
      }
      const observed = OBSERVED[driver];
      if (observed) expect(Object.fromEntries(run.report.probes.filter((p) => p.status !== "skipped").map((p) => [p.id, p.observed]))).toEqual(observed);
      for (const [id, detail] of Object.entries(DETAIL[driver] ?? {})) expect(run.report.probes.find((p) => p.id === id)?.detail, id).toBe(detail);
      expect(run.report.probes.filter((p) => p.status !== "pass" && p.status !== "skipped")).toEqual([]);
    }, 120_000);
  }
});
