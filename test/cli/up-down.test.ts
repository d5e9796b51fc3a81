/**
 * `up` and `down` through the real Automation API (@pulumi/pulumi 3.270) against a fake `pulumi`
 * that records every call: the stack, backend URL, config dir, passphrase and kind it gets, the
 * engine events it streams back (gRPC, as CLIs after 3.205 do), and recovery after a failed `up`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDown } from "../../cli/down";
import { main } from "../../cli/main";
import { runUp, type LabCommandDeps } from "../../cli/up";
import type { RecordedResource } from "../helpers/mocks";
import { LAB_TEST_TIMEOUT_MS, type FakeMachine } from "./fakes/install";
import { argvOf, CLUSTER, IDENTITY, labMachine, lockedPlugin, pulumiCallsOf, readSalt, STACK, SUBNET, type LabRun } from "./fakes/lab";
import { HEALTHY, makeRoot } from "./fakes/root";
import { captureIo, withoutWarnings } from "./io";

describe("cnilab up / down with the Automation API", { timeout: LAB_TEST_TIMEOUT_MS }, () => {
  let m: FakeMachine;
  let created: RecordedResource[];
  let run: LabRun;
  let deps: LabCommandDeps;
  const pulumiCalls = () => pulumiCallsOf(m);

  beforeEach(async () => {
    ({ m, created, run, deps } = await labMachine());
  });
  afterEach(() => m.cleanup());

  it("creates the stack in the project's file backend with the default passphrase, settings from a copy of stacks/", async () => {
    const tracked = join(m.project, "stacks", `Pulumi.${STACK}.yaml`);
    const before = readFileSync(tracked);
    const { code, out, err } = await run(runUp, [STACK]);
    expect(withoutWarnings(err, "up")).toBe("");
    expect(code).toBe(0);
    const copyDir = join(m.project, ".cnilab/stack-settings/default");
    const copy = join(copyDir, "stacks", `Pulumi.${STACK}.yaml`);
    expect(argvOf(pulumiCalls())).toEqual([
      // The machine check looks for a recorded state first (none yet: nothing is created to find out).
      `stack select --stack ${STACK}`,
      `stack select --stack ${STACK}`,
      `stack init ${STACK}`,
      `stack select --stack ${STACK}`,
      "plugin ls --json",
      // Only kubernetes: the network and the cluster are dynamic resources of cnilab's own.
      `plugin install resource kubernetes v${lockedPlugin("kubernetes")}`,
      `up --yes --skip-preview --config-file ${copy} --client=127.0.0.1:<port> --exec-kind auto.inline --event-log --stack ${STACK}`,
      `stack output --json --stack ${STACK}`,
      `stack output --json --show-secrets --stack ${STACK}`,
      `stack history --json --show-secrets --page-size 1 --page 1 --stack ${STACK}`,
    ]);
    for (const call of pulumiCalls()) {
      // Only `stack init` runs in the copy's folder: it writes the passphrase's salt into the settings file.
      expect(call.cwd).toBe(call.argv[1] === "init" ? copyDir : m.project);
      expect(call.env).toEqual({
        PULUMI_BACKEND_URL: `file://${m.project}/.cnilab/state`,
        PULUMI_CONFIG_PASSPHRASE: "cnilab",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_AUTOMATION_API: "true",
        CNILAB_KIND: join(m.bin, "kind"),
      });
    }
    const up = pulumiCalls().find((c) => c.argv[0] === "up")!;
    expect(up.argv).toContainEqual(expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/));
    // The program ran inline: the CLI found cnilab's language runtime server at --client (its GetPluginInfo
    // answers "1.0.0", @pulumi/pulumi 3.270 automation/server.js); no language host was needed.
    expect(up.inline).toEqual({ version: "1.0.0" });
    expect(up.settingsFile).toBe(copy);
    expect(up.config).toMatchObject({ "cnilab:backend": STACK, "cnilab:lab": "netpol", "cnilab:nodeSubnet": SUBNET });
    // The salt went into the copy; the tracked stack file is byte-for-byte what it was.
    const copied = readFileSync(copy, "utf8");
    expect(copied.startsWith(before.toString("utf8"))).toBe(true);
    expect(copied.slice(before.length)).toBe(`encryptionsalt: ${readSalt(copy)}\n`);
    expect(readFileSync(tracked).equals(before)).toBe(true);
    expect(existsSync(join(m.project, `Pulumi.${STACK}.yaml`))).toBe(false);
    // The preflight's doctor checks listed the plugins too (on its own, outside the Automation API).
    expect(m.calls("pulumi").filter((c) => c.env?.PULUMI_AUTOMATION_API === undefined).map((c) => c.argv.join(" "))).toContain("plugin ls --json");
    expect(existsSync(join(m.project, ".cnilab/state/.pulumi/stacks/cnilab", `${STACK}.json`))).toBe(true);

    // The count and the last resource come from what the program registered (under mocks), not from the CLI's formula.
    const total = created.length;
    expect(out).toContain(`creating lab ${STACK} (${total} resources)`);
    expect(out).toContain(`${total}/${total} created ${created.at(-1)!.type}`);
    expect(out).not.toMatch(/created (pulumi:providers|cnilab:lab|pulumi:pulumi)/);
    expect(out).toMatch(new RegExp(`Lab ${STACK} is up \\(\\d+s\\)`));
    expect(out).toMatch(/ {2}kubeconfig {2}\[secret\]/);
    expect(out).toContain(`${CLUSTER}-control-plane  control-plane  172.16.2.2`);
    expect(out).toContain(`kubectl --context kind-${CLUSTER} get pods -A`);
  });

  it("re-runs idempotently: selects the existing stack, every resource unchanged, the salt kept in the copy", async () => {
    const tracked = join(m.project, "stacks", `Pulumi.${STACK}.yaml`);
    const original = readFileSync(tracked);
    const copy = join(m.project, ".cnilab/stack-settings/default/stacks", `Pulumi.${STACK}.yaml`);
    expect((await run(runUp, [STACK])).code).toBe(0);
    const salt = readSalt(copy);
    const before = pulumiCalls().length;
    const again = await run(runUp, [STACK]);
    expect(again.code).toBe(0);
    expect(readSalt(copy)).toBe(salt);
    expect(readFileSync(tracked).equals(original)).toBe(true);
    const calls = argvOf(pulumiCalls().slice(before));
    expect(calls[0]).toBe(`stack select --stack ${STACK}`);
    expect(calls.some((c) => c.startsWith("stack init"))).toBe(false);
    const total = created.length;
    expect(again.out).toContain(`${total}/${total} unchanged`);
    expect(again.out).not.toMatch(/ created /);
  });

  it("passes the user's passphrase, and a different one later fails like Pulumi does", async () => {
    expect((await run(runUp, [STACK], { PULUMI_CONFIG_PASSPHRASE: "s3cret" })).code).toBe(0);
    expect(pulumiCalls().every((c) => c.env?.PULUMI_CONFIG_PASSPHRASE === "s3cret")).toBe(true);
    const wrong = await run(runUp, [STACK]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("incorrect passphrase");
    expect(wrong.err).toContain(`cnilab down ${STACK}`);
  });

  it("leaves PULUMI_CONFIG_PASSPHRASE unset when the user points PULUMI_CONFIG_PASSPHRASE_FILE at one", async () => {
    const file = join(m.dir, "passphrase");
    writeFileSync(file, "from-a-file\n");
    const r = await run(runUp, [STACK], { PULUMI_CONFIG_PASSPHRASE_FILE: file });
    expect(withoutWarnings(r.err, "up")).toBe("");
    expect(r.code).toBe(0);
    for (const call of pulumiCalls()) {
      expect(call.env?.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
      expect(call.env?.PULUMI_CONFIG_PASSPHRASE_FILE).toBe(file);
    }
  });

  it("uses PULUMI_BACKEND_URL when the user set one", async () => {
    const url = `file://${join(m.dir, "elsewhere")}`;
    expect((await run(runUp, [STACK], { PULUMI_BACKEND_URL: url })).code).toBe(0);
    expect(pulumiCalls().every((c) => c.env?.PULUMI_BACKEND_URL === url)).toBe(true);
    expect(existsSync(join(m.dir, "elsewhere/.pulumi/stacks/cnilab", `${STACK}.json`))).toBe(true);
  });

  it("after an up that failed halfway, down destroys the stack and removes the cluster and network left behind by their labels", async () => {
    // Killed after the stack, the Lab and the cluster component, at the network: the kind provider
    // had made the network and cluster, but the state never recorded them.
    m.configure({ failUpAfter: 3 });
    const failed = await run(runUp, [STACK]);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/creating .* failed: fake failure/);
    expect(failed.err).toContain(`'cnilab down ${STACK}'`);
    expect(failed.out).toMatch(/\] failed: pulumi-nodejs:dynamic\/cnilab:DockerNetwork/);
    // What the kind provider had made before the crash, beyond what Pulumi recorded: the network
    // with the stack's labels, the cluster's node on it.
    m.addNetwork(CLUSTER, SUBNET, IDENTITY);
    m.addCluster(CLUSTER, CLUSTER);

    const down = await run(runDown, [STACK]);
    expect(down.err).toBe("");
    expect(down.code).toBe(0);
    const copy = join(m.project, ".cnilab/stack-settings/default/stacks", `Pulumi.${STACK}.yaml`);
    expect(argvOf(pulumiCalls()).filter((c) => c.startsWith("destroy"))).toEqual([
      `destroy --yes --skip-preview --config-file ${copy} --event-log --client=127.0.0.1:<port> --exec-kind auto.inline --stack ${STACK}`,
    ]);
    expect(down.out).toContain(`Pulumi: destroyed stack ${STACK} (0 resources).`);
    expect(down.out).toContain(`Removed the leftover kind cluster ${CLUSTER}.`);
    expect(down.out).toContain(`Removed the leftover Docker network ${CLUSTER}.`);
    expect(m.clusters()).toEqual([]);
    expect(m.networks()).toEqual([]);
    expect(m.calls("kind").map((c) => c.argv.join(" "))).toContain(`delete cluster --name ${CLUSTER}`);

    // Nothing left: a second down is fine and says so.
    const again = await run(runDown, [STACK]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`No kind cluster ${CLUSTER} left.`);
    expect(again.out).toContain(`No Docker network ${CLUSTER} left.`);
  });

  it("when destroy fails, removes the leftovers the state recorded and destroys again with a refresh", async () => {
    expect((await run(runUp, [STACK])).code).toBe(0);
    // On no labelled network: the cluster is this stack's because its state recorded it.
    m.addCluster(CLUSTER);
    m.configure({ failDestroyTimes: 1 });
    const down = await run(runDown, [STACK]);
    expect(down.code).toBe(0);
    const destroys = argvOf(pulumiCalls()).filter((c) => c.startsWith("destroy"));
    expect(destroys).toHaveLength(2);
    expect(destroys[1]).toContain("--refresh");
    expect(down.out).toContain(`Removed the leftover kind cluster ${CLUSTER}.`);
    expect(down.out).toContain(`Pulumi: destroyed stack ${STACK} on the second attempt (${created.length} resources).`);
  });

  it("reports a destroy that keeps failing, exit 1", async () => {
    expect((await run(runUp, [STACK])).code).toBe(0);
    m.configure({ failDestroyTimes: 2 });
    const down = await run(runDown, [STACK]);
    expect(down.code).toBe(1);
    expect(down.out).toContain(`Pulumi: destroying stack ${STACK} failed:`);
    expect(down.out).toContain("deleting cnilab-cluster failed: fake failure");
  });

  it("down of a stack never brought up removes only what carries its labels; a same-named cluster and network are left alone", async () => {
    m.addNetwork(CLUSTER, "10.99.0.0/24");
    m.addCluster(CLUSTER, CLUSTER);
    const down = await run(runDown, [STACK]);
    expect(down.code).toBe(0);
    expect(argvOf(pulumiCalls())).toEqual([`stack select --stack ${STACK}`]);
    expect(down.out).toContain(`Pulumi: no stack ${STACK} in file://${m.project}/.cnilab/state, nothing recorded to destroy.`);
    expect(down.out).toContain(
      `kind cluster ${CLUSTER} exists but is not this stack's (its nodes are on Docker network ${CLUSTER}, not this stack's): left alone.`,
    );
    expect(down.out).toContain(
      `Docker network ${CLUSTER} exists and is not made by a cnilab stack (no io.cnilab.* labels), not this stack's ` +
        `(io.cnilab.project=cnilab, io.cnilab.stack=${STACK}): left alone.`,
    );
    expect(m.clusters()).toEqual([CLUSTER]);
    expect(m.networks()).toEqual([CLUSTER]);
    expect(m.calls("kind").map((c) => c.argv[0])).not.toContain("delete");
  });

  it("a stack locked by a killed up: down says to use --force, which cancels the lock first", async () => {
    m.configure({ lockOnInit: true, failUpAfter: 0 });
    expect((await run(runUp, [STACK])).code).toBe(1);
    m.addNetwork(CLUSTER, SUBNET, IDENTITY);
    m.addCluster(CLUSTER, CLUSTER);
    const locked = await run(runDown, [STACK]);
    expect(locked.code).toBe(1);
    expect(locked.err).toContain(`'cnilab down ${STACK} --force'`);
    expect(m.clusters()).toEqual([CLUSTER]);
    const forced = await run(runDown, [STACK, "--force"]);
    expect(forced.code).toBe(0);
    expect(argvOf(pulumiCalls())).toContain(`cancel --yes --stack ${STACK}`);
    expect(m.clusters()).toEqual([]);
  });

  it("stops before Pulumi with one line and exit 2 when a prerequisite is missing", async () => {
    m.configure({ docker: "down" });
    const up = await run(runUp, [STACK]);
    expect(up.code).toBe(2);
    expect(up.err.trim().split("\n")).toEqual([
      "cnilab up: missing prerequisite: cannot reach the Docker daemon at unix:///var/run/docker.sock (no socket at /var/run/docker.sock): " +
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?. " +
        "Fix: start it: sudo systemctl start docker (without systemd: sudo dockerd &)",
    ]);
    expect(pulumiCalls()).toEqual([]);
    expect((await run(runDown, [STACK])).code).toBe(2);
    expect(pulumiCalls()).toEqual([]);
  });

  it("stops when the backend's kernel module is missing (ipvlan), naming the module and the fix", async () => {
    const root = makeRoot({ ...HEALTHY, procModules: ["vxlan"], dep: ["vxlan"], builtin: [], config: { CONFIG_IPVLAN: "n" } });
    const io = captureIo(m.env, m.dir);
    const code = await runUp(["ipvlan-l2"], io, { ...deps, host: m.host(root) });
    expect(code).toBe(2);
    expect(io.err()).toBe(
      "cnilab up: missing prerequisite: ipvlan (for ipvlan-l2): not in this kernel (CONFIG_IPVLAN is not set in /proc/config.gz). " +
        "Fix: use a kernel built with CONFIG_IPVLAN (=y or =m)\n",
    );
    expect(pulumiCalls()).toEqual([]);
  });

  it("validates the stack before anything runs: every problem on its own line, exit 2", async () => {
    writeFileSync(join(m.project, "stacks", "Pulumi.broken.yaml"), "config:\n  cnilab:lab: netpol\n  cnilab:backend: flanel\n  cnilab:workers: \"99\"\n");
    const { code, err } = await run(runUp, ["broken"]);
    expect(code).toBe(2);
    const lines = err.trim().split("\n");
    expect(lines[0]).toBe("cnilab up: stacks/Pulumi.broken.yaml is not a valid lab stack:");
    expect(lines.slice(1).every((l) => l.startsWith("  stacks/Pulumi.broken.yaml: cnilab:"))).toBe(true);
    expect(lines.some((l) => l.includes("cnilab:backend"))).toBe(true);
    expect(lines.some((l) => l.includes("cnilab:workers"))).toBe(true);
    expect(m.calls()).toEqual([]);
  });

  it("refuses a stack file outside stacks/, which Pulumi would not read", async () => {
    const file = join(m.dir, "Pulumi.mine.yaml");
    writeFileSync(file, readFileSync(join(m.project, "stacks", `Pulumi.${STACK}.yaml`)));
    const outside = await run(runUp, [file]);
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/^cnilab up: Pulumi reads stack settings only from stacks\/Pulumi.<name>.yaml; copy .* to stacks\/Pulumi.mine.yaml.*\n\(see 'cnilab up --help'\)\n$/);
    const io = captureIo(m.env, m.dir);
    expect(await main(["up", file], io)).toBe(2);
    expect(io.err()).toContain("(see 'cnilab up --help')");
  });
});
