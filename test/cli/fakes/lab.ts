/**
 * A fake machine with a kind-cluster lab (flannel-vxlan): the program the fake `pulumi` "runs" for
 * its plan, a command runner, and readers for what the fakes recorded. Shared by the up/down tests.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";
import type { LabCommandDeps } from "../../../cli/up";
import { runToExit } from "../../../cli/exit";
import type { Io } from "../../../cli/command";
import { planLab, type LabPlan } from "../../../plan";
import type { RecordedResource } from "../../helpers/mocks";
import { loadStack } from "../../helpers/stacks";
import { DYNAMIC_TYPE, NETWORK_TYPE, runLabStack } from "../../program/run-stack";
import { captureIo } from "../io";
import { installFakes, REPO_ROOT, type Call, type FakeConfig, type FakeMachine } from "./install";
import { HEALTHY, makeRoot } from "./root";

export const STACK = "flannel-vxlan";
export const CLUSTER = "cnilab-flannel-vxlan";
export const SUBNET = "172.16.2.0/24";
/** What the lab's Docker network carries (host/identity.ts). */
export const IDENTITY = { "io.cnilab.project": "cnilab", "io.cnilab.stack": STACK };

/**
 * What the real Pulumi program registers for STACK, recorded once under the Pulumi mocks
 * (test/program/run-stack.ts): the fake `pulumi up` streams exactly these, so what `up` announces
 * and counts is checked against the program, not against a restatement of it.
 */
let recording: Promise<RecordedResource[]> | undefined;
export function programRegistrations(): Promise<RecordedResource[]> {
  recording ??= runLabStack(STACK).then((r) => r.recorded);
  return recording;
}

/** The resources `up` creates and counts: custom ones, providers aside (the engine makes those silently). */
export const createdResources = (recorded: readonly RecordedResource[]) => recorded.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));

/** The recorded registrations as the fake's program, under the stack resource, with what the state records of the network and the cluster. */
export function programFor(recorded: readonly RecordedResource[]): NonNullable<FakeConfig["program"]> {
  const resources = [
    { type: "pulumi:pulumi:Stack", name: `cnilab-${STACK}`, custom: false },
    ...recorded.map((r) => {
      // The URN's qualified type is the parents' types and its own, joined by '$'.
      const parents = r.urn.split("::")[2]!.split("$").slice(0, -1);
      const base = { type: r.type, name: r.name, custom: r.custom, parents };
      // `outputs`: what the state records of them (their Docker and kind names, which down then owns);
      // `cluster`: the fake makes this kind cluster when it creates the resource, as the kind provider does.
      if (r.type === NETWORK_TYPE) return { ...base, outputs: { name: CLUSTER } };
      if (r.type === DYNAMIC_TYPE) return { ...base, outputs: { clusterName: CLUSTER, network: CLUSTER }, cluster: CLUSTER };
      return base;
    }),
  ];
  const outputs = {
    backend: { value: STACK, secret: false },
    kubeconfig: { value: "apiVersion: v1\nkind: Config\n", secret: true },
    nodes: { value: [{ name: `${CLUSTER}-control-plane`, role: "control-plane", internalIP: "172.16.2.2" }], secret: false },
  };
  return { resources, outputs };
}

/** The salt the fake pulumi's `stack init` wrote ("v1:" and 16 base64 characters). */
export function readSalt(file: string): string {
  const salt = /^encryptionsalt: "?(v1:[A-Za-z0-9+/=]{16})"?$/m.exec(readFileSync(file, "utf8"))?.[1];
  if (!salt) throw new Error(`no encryptionsalt in ${file}`);
  return salt;
}


export type LabRun = (fn: (argv: string[], io: Io, deps: LabCommandDeps) => Promise<number>, argv: string[], env?: NodeJS.ProcessEnv) => Promise<{ code: number; out: string; err: string }>;

export interface LabMachine {
  m: FakeMachine;
  plan: LabPlan;
  run: LabRun;
  deps: LabCommandDeps;
  /** What the program creates (createdResources of its registrations): the count and order `up` must report. */
  created: RecordedResource[];
}

/**
 * The Automation API starts `pulumi` with this process's environment under the workspace's, so a
 * developer's exported PULUMI_CONFIG_PASSPHRASE_FILE, PULUMI_BACKEND_URL or CNILAB_* would reach
 * the fake and change what the tests expect: each lab test runs without them (restored by cleanup).
 */
function withoutOwnEnvironment(m: FakeMachine): void {
  for (const name of Object.keys(process.env)) if (name.startsWith("PULUMI_") || name.startsWith("CNILAB_")) vi.stubEnv(name, undefined);
  const cleanup = m.cleanup.bind(m);
  m.cleanup = () => {
    vi.unstubAllEnvs();
    cleanup();
  };
}

export async function labMachine(): Promise<LabMachine> {
  const recorded = await programRegistrations();
  const m = installFakes();
  withoutOwnEnvironment(m);
  const plan = planLab(await loadStack(STACK));
  m.configure({ program: programFor(recorded) });
  const deps: LabCommandDeps = { host: m.host(makeRoot(HEALTHY)), root: m.project, tty: false };
  return { m, plan, run: labRunner(m, () => deps), deps, created: createdResources(recorded) };
}

/** Runs a lab command on the fake machine with the current deps, through the CLI's edge. */
export function labRunner(m: FakeMachine, deps: () => LabCommandDeps): LabRun {
  return async (fn, argv, env = {}) => {
    const io = captureIo({ ...m.env, ...env }, m.dir);
    // Through the CLI's edge, as main runs a command: what it throws becomes its exit code and message.
    const code = await runToExit(fn.name.replace(/^run/, "").toLowerCase(), io, () => fn(argv, io, { ...deps(), host: { ...deps().host, env: io.env } }));
    return { code, out: io.out(), err: io.err() };
  };
}

/**
 * The fake pulumi's calls through the Automation API (which sets PULUMI_AUTOMATION_API), without
 * `version` (every workspace asks it): not the doctor's checks, not the signals it recorded.
 */
export const pulumiCallsOf = (m: FakeMachine): Call[] =>
  m.calls("pulumi").filter((c) => c.argv !== undefined && c.env?.PULUMI_AUTOMATION_API === "true" && c.argv[0] !== "version");
/** Calls as command lines, without the gRPC event target (a fresh port each time). */
/** The argv as text, without the event log's target and with the inline program's port as `<port>`. */
export const argvOf = (calls: Call[]) =>
  calls.map((c) =>
    c.argv
      .filter((a) => !a.startsWith("tcp://"))
      .map((a) => a.replace(/^--client=127\.0\.0\.1:\d+$/, "--client=127.0.0.1:<port>"))
      .join(" "),
  );

/** The version package-lock.json pins for an SDK package's plugin: what `up` must install. */
export function lockedPlugin(name: "kubernetes" | "docker"): string {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
  return lock.packages[`node_modules/@pulumi/${name}`]!.version;
}
