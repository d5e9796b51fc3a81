/**
 * Ctrl-C during `cnilab up`, as a terminal delivers it: SIGINT to the whole foreground process group.
 * cnilab runs as a real process (bin/cnilab.cjs) in a group of its own, against the fake `pulumi`,
 * whose `up` waits for signals and records each one. Pulumi treats a second SIGINT or a SIGTERM as
 * "terminate now" (pulumi/pulumi pkg/backend/cancellation_scope.go), so a clean cancel means the fake
 * sees exactly one SIGINT and nothing else.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { runDown } from "../../cli/down";
import { runUp } from "../../cli/up";
import { installFakes, REPO_ROOT, type FakeMachine } from "./fakes/install";
import { CLUSTER, labMachine, lockedPlugin } from "./fakes/lab";

const STACK = "docker-bridge";
const STACK_K8S = "flannel-vxlan";

/** Polls `done` every 50 ms for at most 30 s. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe("Ctrl-C during cnilab up", () => {
  let m: FakeMachine;
  let cli: ChildProcess | undefined;

  beforeEach(() => {
    m = installFakes(["pulumi", "docker"]);
    m.configure({ hangUp: true, plugins: [{ name: "docker", kind: "resource", version: lockedPlugin("docker") }] });
  });
  afterEach(() => {
    // Only if a test failed halfway: the group this test started.
    if (cli?.pid !== undefined && cli.exitCode === null) process.kill(-cli.pid, "SIGKILL");
    m.cleanup();
  });

  /** Starts `cnilab up` in its own process group, as a shell starts a foreground job; resolves once pulumi's `up` runs. */
  async function startUp(): Promise<{ exit: Promise<number | null>; out: () => string; err: () => string }> {
    const env = { PATH: m.bin, HOME: m.dir, CNILAB_STATE: join(m.dir, "cnilab-state") };
    cli = spawn(process.execPath, [join(REPO_ROOT, "bin/cnilab.cjs"), "up", STACK], { cwd: m.dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    cli.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    cli.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
    const exit = new Promise<number | null>((resolve) => cli!.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (!m.calls("pulumi").some((c) => c.waiting === true)) {
      if (cli.exitCode !== null || Date.now() > deadline) throw new Error(`pulumi up never started (exit ${cli.exitCode}):\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { exit, out: () => out, err: () => err };
  }
  const signals = () => m.calls("pulumi").filter((c) => c.signal !== undefined).map((c) => c.signal);

  it("the first Ctrl-C reaches pulumi once, as one SIGINT; it cancels cleanly and cnilab says so (exit 130)", async () => {
    const run = await startUp();
    process.kill(-cli!.pid!, "SIGINT");
    expect(await run.exit).toBe(130);
    expect(signals()).toEqual(["SIGINT"]);
    expect(run.err()).toContain("cnilab up: Ctrl-C: asking Pulumi to cancel cleanly");
    expect(run.err()).toContain(`cnilab up: ${STACK}: cancelled after`);
    expect(run.err()).toContain("Pulumi stopped cleanly and recorded what it made");
  }, 150_000);

  it("a second Ctrl-C stops at once: pulumi gets its second SIGINT (terminate), cnilab exits 130", async () => {
    // The steps in flight take long here, so the second Ctrl-C comes while pulumi is still cancelling.
    m.configure({ cancelMs: 60_000 });
    const run = await startUp();
    process.kill(-cli!.pid!, "SIGINT");
    await until(() => signals().length === 1);
    process.kill(-cli!.pid!, "SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.err()).toContain("cnilab up: second Ctrl-C: stopping now (Pulumi terminates without recording what is in flight)");
    // The CLI may exit before the fake has written its record of the second signal.
    await until(() => signals().length === 2);
    expect(signals()).toEqual(["SIGINT", "SIGINT"]);
  }, 150_000);
});

describe("Ctrl-C during cnilab down", () => {
  it("cancels the destroy with one SIGINT to pulumi, exit 130, and leaves the leftover step for the next down", async () => {
    const { m, run, deps } = await labMachine();
    try {
      expect((await run(runUp, [STACK_K8S])).code).toBe(0);
      m.configure({ hangDestroy: true });
      // The process's SIGINT, replaced: what a terminal's Ctrl-C raises in cnilab.
      const signals = new EventEmitter();
      let exited: number | undefined;
      deps.interrupt = { signals: signals as unknown as NodeJS.Process, exit: (code) => void (exited = code) };
      const down = run(runDown, [STACK_K8S]);
      const interrupted = (async () => {
        await until(() => m.calls("pulumi").some((c) => c.waiting === true));
        signals.emit("SIGINT");
      })();
      const [result] = await Promise.all([down, interrupted]);
      expect(result.code).toBe(130);
      expect(exited).toBeUndefined();
      expect(m.calls("pulumi").filter((c) => c.signal !== undefined).map((c) => c.signal)).toEqual(["SIGINT"]);
      expect(result.err).toContain("cnilab down: Ctrl-C: asking Pulumi to cancel cleanly");
      expect(result.err).toContain(`cnilab down: ${STACK_K8S}: cancelled after`);
      // No leftover removal after a cancel: the cluster the fake made stays until the next down.
      expect(m.clusters()).toEqual([CLUSTER]);
      expect(signals.listenerCount("SIGINT")).toBe(0);
    } finally {
      m.cleanup();
    }
  }, 150_000);
});
