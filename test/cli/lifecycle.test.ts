/**
 * The Pulumi lifecycle around `up` (issue 20): a lab deleted by hand is rebuilt, the provider
 * plugins are ensured at the versions package-lock pins, plain `pulumi` finds the same backend as
 * cnilab, and CNILAB_STATE moves everything cnilab keeps — all against the fake `pulumi` and `kind`.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runDown } from "../../cli/down";
import { runUp, type LabCommandDeps } from "../../cli/up";
import { runProcess } from "../../host/run";
import type { RecordedResource } from "../helpers/mocks";
import { REPO_ROOT, type FakeMachine } from "./fakes/install";
import { argvOf, CLUSTER, labMachine, lockedPlugin, pulumiCallsOf, STACK, type LabRun } from "./fakes/lab";

describe("cnilab up: re-runs, plugins, backend and state", () => {
  let m: FakeMachine;
  let created: RecordedResource[];
  let run: LabRun;
  let deps: LabCommandDeps;
  const upCalls = () => pulumiCallsOf(m).filter((c) => c.argv[0] === "up");

  beforeEach(async () => {
    ({ m, created, run, deps } = await labMachine());
  });
  afterEach(() => m.cleanup());

  it("after `kind delete cluster`, up refreshes first and builds the lab again", async () => {
    expect((await run(runUp, [STACK])).code).toBe(0);
    expect(m.clusters()).toEqual([CLUSTER]);
    const deleted = await deps.host.run(join(m.bin, "kind"), ["delete", "cluster", "--name", CLUSTER], 10_000);
    expect(deleted.code).toBe(0);
    expect(m.clusters()).toEqual([]);

    const again = await run(runUp, [STACK]);
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    expect(again.out).toContain(`Gone since the last up (removed by hand?): kind cluster ${CLUSTER}. Refreshing the state first`);
    expect(upCalls()[1]!.argv).toContain("--refresh");
    const total = created.length;
    expect(again.out).toContain(`${total}/${total} created`);
    expect(again.out).not.toContain("unchanged");
    expect(m.clusters()).toEqual([CLUSTER]);

    // With the cluster there, no refresh: everything is unchanged.
    const third = await run(runUp, [STACK]);
    expect(third.code).toBe(0);
    expect(upCalls()[2]!.argv).not.toContain("--refresh");
    expect(third.out).toContain(`${total}/${total} unchanged`);
  }, 120_000);

  it("installs only the plugins `pulumi plugin ls` lacks, at the versions package-lock pins", async () => {
    // Another version of kubernetes does not count; a cluster stack needs no docker plugin at all.
    m.configure({ plugins: [{ name: "kubernetes", kind: "resource", version: "4.0.0" }] });
    const r = await run(runUp, [STACK]);
    expect(r.code).toBe(0);
    expect(argvOf(pulumiCallsOf(m)).filter((c) => c.startsWith("plugin install"))).toEqual([`plugin install resource kubernetes v${lockedPlugin("kubernetes")}`]);
    expect(r.out).toContain(`Installed Pulumi plugins: kubernetes v${lockedPlugin("kubernetes")}.`);
    const again = await run(runUp, [STACK]);
    expect(again.code).toBe(0);
    expect(argvOf(pulumiCallsOf(m)).filter((c) => c.startsWith("plugin install"))).toHaveLength(1);
    expect(again.out).not.toContain("Installed Pulumi plugins");
  }, 90_000);

  it("offline with a plugin missing: stops before the update, exit 2, and says how to install it", async () => {
    m.configure({ offline: true, plugins: [] });
    const r = await run(runUp, [STACK]);
    expect(r.code).toBe(2);
    const k8s = lockedPlugin("kubernetes");
    expect(r.err).toContain(`cnilab up: missing prerequisite: the Pulumi plugin kubernetes v${k8s} is not installed and could not be installed (offline?): `);
    expect(r.err).toContain("lookup get.pulumi.com: no such host");
    expect(r.err).toContain(`run 'pulumi plugin install resource kubernetes v${k8s}'`);
    expect(upCalls()).toEqual([]);
  });

  it("Pulumi.yaml names the same backend as cnilab, so plain `pulumi` in the project sees cnilab's stack", async () => {
    const project = parse(readFileSync(join(m.project, "Pulumi.yaml"), "utf8")) as { backend?: { url?: string } };
    expect(project.backend?.url).toBe("file://./.cnilab/state");
    expect((await run(runUp, [STACK])).code).toBe(0);
    const url = upCalls()[0]!.env!.PULUMI_BACKEND_URL;
    expect(url).toBe(`file://${join(m.project, ".cnilab", "state")}`);

    // As a user would, from the project root: no PULUMI_BACKEND_URL, the passphrase in the environment.
    const pulumi = join(m.bin, "pulumi");
    const env = { PATH: m.bin, HOME: m.dir, PULUMI_CONFIG_PASSPHRASE: "cnilab" };
    const plain = await runInDir(m.project, pulumi, ["stack", "output", "--json", "--stack", STACK], env);
    expect(plain.stderr).toBe("");
    expect(JSON.parse(plain.stdout)).toMatchObject({ backend: STACK });
    // PULUMI_BACKEND_URL overrides Pulumi.yaml, for cnilab and plain pulumi alike.
    const elsewhere = join(m.dir, "other-backend");
    mkdirSync(elsewhere);
    const overridden = await runInDir(m.project, pulumi, ["stack", "output", "--json", "--stack", STACK], { ...env, PULUMI_BACKEND_URL: `file://${elsewhere}` });
    expect(overridden.stderr).toContain(`no stack named '${STACK}' found`);
  }, 60_000);

  it("the README's plain-Pulumi commands work as written, and cnilab down then sees that stack", async () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const block = /### Plain Pulumi[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    // The plugin versions the README names are the ones package-lock pins.
    expect(block).toContain(`pulumi plugin install resource kubernetes v${lockedPlugin("kubernetes")}\n`);
    expect(block).not.toContain("pulumi plugin install resource docker");
    // A user's PATH: the fakes first, then the system's tools (mkdir).
    const shell = await runInDir(m.project, "/bin/sh", ["-ec", block!], { PATH: `${m.bin}:/usr/bin:/bin`, HOME: m.dir });
    expect(shell.stderr).toBe("");
    expect(shell.code).toBe(0);
    const up = m.calls("pulumi").find((c) => c.argv?.[0] === "up")!;
    expect(up.argv).toEqual(["up", "-s", STACK]);
    expect(up.env).toEqual({ PULUMI_CONFIG_PASSPHRASE: "cnilab", CNILAB_KIND: join(m.bin, "kind") });
    expect(existsSync(join(m.project, ".cnilab/state/.pulumi/stacks/cnilab", `${STACK}.json`))).toBe(true);

    const down = await run(runDown, [STACK]);
    expect(down.err).toBe("");
    expect(down.out).toContain(`Pulumi: destroyed stack ${STACK} (${created.length} resources).`);
  }, 90_000);

  it("CNILAB_STATE moves the backend and the settings copy; nothing is written in the project", async () => {
    const state = join(m.dir, "my-state");
    const r = await run(runUp, [STACK], { CNILAB_STATE: state });
    expect(r.code).toBe(0);
    expect(pulumiCallsOf(m).every((c) => c.env?.PULUMI_BACKEND_URL === `file://${state}/state`)).toBe(true);
    expect(existsSync(join(state, "state/.pulumi/stacks/cnilab", `${STACK}.json`))).toBe(true);
    expect(existsSync(join(state, "stack-settings/default/stacks", `Pulumi.${STACK}.yaml`))).toBe(true);
    expect(existsSync(join(m.project, ".cnilab"))).toBe(false);
  });
});

/** Runs `file` with `dir` as its working directory, as a user's shell would. */
async function runInDir(dir: string, file: string, args: string[], env: NodeJS.ProcessEnv) {
  const sh = await runProcess("/bin/sh", ["-c", `cd "$0" && exec "$@"`, dir, file, ...args], env, 20_000);
  return sh;
}
