/**
 * One Docker-only lab run for real against this machine's engine (engine.real.test.ts,
 * overlay.real.test.ts): each stack's plan created through the Engine API with exactly the data the
 * component hands to @pulumi/docker (./engine.ts maps it), the assertion containers run the bundled
 * probe, clash containers run to their exit, and the report is built from their logs and exits.
 *
 * Two substitutions, because no registry is reachable here: every container runs an image imported
 * from Debian's busybox-static, and the assertion containers get the host's node binary (and the
 * libraries it links) bind-mounted read-only instead of the Node image.
 */
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { createServer, type Server } from "node:net";
import * as path from "node:path";
import { DRIVER_FACTS, loadDockerSpec, planDockerLab, withProbeBundle, reportDockerLab, type ContainerExit, type DockerDriver, type DockerLabPlan, type DockerLabReport } from "../../docker";
import { readStackFile } from "../../labs";
import { expectedText } from "../../verdict/judge";
import { STACKS_DIR } from "../helpers/stacks";
import { containerCreateRequest, networkCreateBody, uploadArchive } from "./engine";
import { Engine } from "./engine-client";
import type { BusyboxRootfs } from "./host";

/** Test objects get their own name prefix (and so their own parent bridge device), never a real lab's. */
export const testName = (driver: DockerDriver) => `cdt-${DRIVER_FACTS[driver].short}`;

export const engine = new Engine();

/** Imports the busybox root filesystem as `image` (no registry is reachable here). */
export async function importImage(image: string, rootfs: BusyboxRootfs): Promise<void> {
  const tar = execFileSync("tar", ["-C", rootfs.dir, "-c", "."], { maxBuffer: 64 << 20 });
  const [repo, tag] = image.split(":");
  await engine.call("POST", `/images/create?fromSrc=-&repo=${repo}&tag=${tag}`, tar, { contentType: "application/x-tar", timeoutMs: 60_000 });
}

/** Removes the image and the root filesystem it was made from. */
export async function removeImage(image: string, rootfs: BusyboxRootfs | string | undefined): Promise<void> {
  await engine.call("DELETE", `/images/${image}?force=1`).catch(() => undefined);
  if (typeof rootfs === "object") rootfs.remove();
}

/** The host's node and the libraries it links, read-only, where the client's `node` command finds them. */
function nodeBinds(): string[] {
  const binds = [`${process.execPath}:/usr/local/bin/node:ro`, `${realpathSync("/lib")}:/lib:ro`];
  if (existsSync("/lib64")) binds.push(`${realpathSync("/lib64")}:/lib64:ro`);
  return binds;
}

export interface LabRun<T = undefined> {
  plan: DockerLabPlan;
  report: DockerLabReport;
  exitCodes: Record<string, number>;
  parentSeen: boolean;
  seconds: number;
  /** What `inspect` read while the lab stood, after the probes ran. */
  seen: T;
}

/** The lab's plan as `up` builds it, under the test's own name prefix. */
export function testPlan(driver: DockerDriver, bundle: string): DockerLabPlan {
  const stackFile = path.join(STACKS_DIR, `Pulumi.docker-${driver}.yaml`);
  return withProbeBundle(planDockerLab(loadDockerSpec({ ...readStackFile(stackFile), name: testName(driver) }, stackFile)), bundle);
}

/**
 * Creates the plan on the engine, runs the clients and clashes, reads their logs and exits, calls
 * `inspect` while everything still stands; removes everything after.
 */
export async function runLab<T = undefined>(plan: DockerLabPlan, image: string, inspect?: (ids: Map<string, string>) => Promise<T>): Promise<LabRun<T>> {
  const started = Date.now();
  await engine.removeLabelled("cnilab.name", plan.name); // leftovers of a run that was killed
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
      body.Image = image;
      if (c.role === "client") body.HostConfig = { ...(body.HostConfig as object), Binds: nodeBinds() };
      const { Id } = await engine.json<{ Id: string }>("POST", `/containers/create?name=${containerName}`, body);
      if (c.uploads.length > 0) {
        await engine.call("PUT", `/containers/${Id}/archive?path=/`, uploadArchive(c.uploads), { contentType: "application/x-tar" });
      }
      // Servers, the wire and clashes in plan order, as the component orders them (a clash after its holder).
      if (c.role !== "client") await engine.call("POST", `/containers/${Id}/start`);
      ids.set(c.labName, Id);
    }
    const clients = plan.containers.filter((c) => c.role === "client");
    // No order between clients, as under Pulumi, which creates them side by side.
    await Promise.all(clients.map((c) => engine.call("POST", `/containers/${ids.get(c.labName)}/start`)));
    const parentSeen = plan.parent.kind === "lab-made" && existsSync(`/sys/class/net/${plan.parent.device}`);
    const logs: Record<string, string> = {};
    const exitCodes: Record<string, number> = {};
    const clashes: Record<string, ContainerExit> = {};
    for (const c of plan.containers.filter((c) => c.role === "client" || c.role === "clash")) {
      const id = ids.get(c.labName)!;
      const code = (await engine.json<{ StatusCode: number }>("POST", `/containers/${id}/wait`, undefined, 60_000)).StatusCode;
      const log = (await engine.call("GET", `/containers/${id}/logs?stdout=1&stderr=1`)).body.toString();
      if (c.role === "clash") clashes[c.labName] = { exitCode: code, log };
      else [exitCodes[c.labName], logs[c.labName]] = [code, log];
    }
    const seen = (inspect ? await inspect(ids) : undefined) as T;
    return { plan, report: reportDockerLab(plan, logs, clashes), exitCodes, parentSeen, seconds: (Date.now() - started) / 1000, seen };
  } finally {
    for (const l of listeners) l.close();
    await engine.removeLabelled("cnilab.name", plan.name);
  }
}

export function printReport(run: LabRun<unknown>): void {
  const rows = run.report.probes.map(
    (p) =>
      p.status === "skipped"
        ? `  skip ${p.id.padEnd(26)} ${p.group.padEnd(16)} ${p.why}`
        : `  ${p.status === "pass" ? "ok  " : "FAIL"} ${p.id.padEnd(26)} ${p.group.padEnd(16)} expect ${expectedText(p).padEnd(17)} saw ${p.observed} (${p.latencyMs} ms)${p.detail ? ` ${p.detail}` : ""}`,
  );
  console.log(`docker-${run.plan.driver}: ${run.report.counts.pass}/${run.report.probes.length} as the facts say, in ${run.seconds.toFixed(1)} s\n${rows.join("\n")}`);
}
