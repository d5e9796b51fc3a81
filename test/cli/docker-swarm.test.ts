/**
 * The overlay stack and the daemon's swarm mode, on the fake machine: doctor and up's preflight tell
 * a daemon outside swarm mode, the stack's own swarm and anyone else's apart (up refuses the last
 * before Pulumi runs), and down leaves only a swarm whose node carries the stack's labels.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDown } from "../../cli/down";
import { dockerLink } from "../../cli/services/checks";
import { runUp, type LabCommandDeps } from "../../cli/up";
import { runDockerChecks } from "../../host/lab-checks";
import { LAB_TEST_TIMEOUT_MS, installFakes, type FakeMachine } from "./fakes/install";
import { HEALTHY, makeRoot } from "./fakes/root";
import { labRunner, type LabRun } from "./fakes/lab";
import { captureIo } from "./io";
import { runPlanCommand } from "../../cli/plan";
import { ROOT } from "../helpers/stacks";

const STACK = "docker-overlay";
/** The stack's identity, written out (host/identity.ts): what the swarm it made carries on its node. */
const OURS = { "io.cnilab.project": "cnilab", "io.cnilab.stack": STACK };

describe("docker-overlay and swarm mode", { timeout: LAB_TEST_TIMEOUT_MS }, () => {
  let m: FakeMachine;
  let deps: LabCommandDeps;
  const run: LabRun = (fn, argv) => labRunner(m, () => deps)(fn, argv);
  const swarmCheck = async () => (await runDockerChecks(deps.host, dockerLink("overlay"))).checks.find((c) => c.id === "docker-swarm");

  beforeEach(() => {
    m = installFakes(["pulumi", "docker"]);
    deps = { host: m.host(makeRoot(HEALTHY)), root: m.project, tty: false };
  });
  afterEach(() => m.cleanup());

  it("doctor: outside swarm mode passes, the stack's own swarm passes, anyone else's fails with what to do", async () => {
    expect(await swarmCheck()).toMatchObject({ status: "pass", message: expect.stringMatching(/^the daemon is not in swarm mode: the overlay lab makes a single-node swarm of its own/) });
    m.joinSwarm("n1", OURS);
    expect(await swarmCheck()).toMatchObject({ status: "pass", message: expect.stringContaining("the daemon's swarm is this stack's (node n1 carries io.cnilab.project=cnilab, io.cnilab.stack=docker-overlay)") });
    m.joinSwarm("n2", { team: "prod" }, false);
    expect(await swarmCheck()).toEqual({
      id: "docker-swarm",
      status: "fail",
      message: "the daemon is already a swarm worker (node n2) of a swarm this stack did not make; the overlay lab will not join, change or leave someone else's swarm",
      fix: "run the lab against a daemon outside swarm mode, or leave that swarm yourself (`docker swarm leave`, `--force` on a manager) if nothing needs it",
    });
    // The other Docker drivers do not ask.
    expect((await runDockerChecks(deps.host, dockerLink("bridge"))).checks.map((c) => c.id)).not.toContain("docker-swarm");
  });

  it("up against someone else's swarm stops before Pulumi, exit 2, and leaves that swarm alone", async () => {
    m.joinSwarm("n3", {}, true);
    const up = await run(runUp, [STACK]);
    expect(up.code).toBe(2);
    expect(up.err).toContain("the daemon is already a swarm manager (node n3) of a swarm this stack did not make");
    expect(m.calls("pulumi").filter((c) => c.argv[0] === "up")).toEqual([]);
    expect(m.swarmState()).toBe("active");
    expect(m.calls("docker").map((c) => c.argv.join(" "))).not.toContain("swarm leave --force");
  });

  it("down leaves a swarm the stack made that destroy did not; someone else's stays", async () => {
    m.joinSwarm("n1", OURS);
    const down = await run(runDown, [STACK]);
    expect(down.code).toBe(0);
    expect(down.out).toContain("Removed the leftover swarm mode this stack made (node n1).");
    expect(m.swarmState()).toBe("inactive");

    m.joinSwarm("n2", { "io.cnilab.project": "cnilab", "io.cnilab.stack": "another-stack" });
    expect((await run(runDown, [STACK])).code).toBe(0);
    expect(m.swarmState()).toBe("active");
  });
});

describe("cnilab plan <docker-host|docker-overlay>", () => {
  it("host: the predefined network, the clash and its listen as a check; overlay: how swarm mode is made", async () => {
    const plan = async (stack: string) => {
      const io = captureIo({}, ROOT);
      expect(await runPlanCommand([stack], io)).toBe(0);
      return io.out().split("\n");
    };
    expect(await plan("docker-host")).toEqual(
      expect.arrayContaining([
        "  host: Docker's predefined network 'host', no link per container; the lab's own networks are bridge networks",
        "  cnilab-host-web-again  clash   Docker's host network  timeout 5 httpd -f -p 127.0.0.1:7412 -h /",
        "  3 probes from 1 assertion containers: client; the listen of web-again, from its exit and log",
        "  none of the lab's own: every container runs on Docker's predefined 'host' network",
      ]),
    );
    expect(await plan("docker-overlay")).toEqual(
      expect.arrayContaining([
        "  docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 --data-path-addr 127.0.0.1; node labels io.cnilab.project=cnilab, io.cnilab.stack=docker-overlay",
        "  cnilab-ov-ov  overlay, internal  no options",
      ]),
    );
  });
});
