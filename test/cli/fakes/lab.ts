/**
 * A fake machine with a kind-cluster lab (flannel-vxlan): the program the fake `pulumi` "runs" for
 * its plan, a command runner, and readers for what the fakes recorded. Shared by the up/down tests.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probedServices } from "../../../assertions";
import { planTargetResolver } from "../../../assertions/targets";
import { plannedObjects } from "../../../cli/plan";
import type { LabCommandDeps } from "../../../cli/up";
import type { Io } from "../../../cli/command";
import { planLab, type LabPlan } from "../../../plan";
import { loadStack } from "../../helpers/stacks";
import { captureIo } from "../io";
import { installFakes, REPO_ROOT, type Call, type FakeConfig, type FakeMachine } from "./install";
import { HEALTHY, makeRoot } from "./root";

export const STACK = "flannel-vxlan";
export const CLUSTER = "cnilab-flannel-vxlan";
export const SUBNET = "172.16.2.0/24";
/** What the lab's Docker network carries (plan/identity.ts). */
export const IDENTITY = { "io.cnilab.project": "cnilab", "io.cnilab.stack": STACK };

/** What the Pulumi program registers for a plan, as the fake's "program": plus components and a provider, which do not count. */
export function programFor(plan: LabPlan): NonNullable<FakeConfig["program"]> {
  const resources = [
    { type: "pulumi:pulumi:Stack", name: `cnilab-${STACK}`, custom: false },
    { type: "cnilab:lab:Lab", name: "lab", custom: false },
    // `outputs`: what the state records of them (their Docker and kind names, which down then owns);
    // `cluster`: the fake makes this kind cluster when it creates the resource, as the kind provider does.
    { type: "docker:index/network:Network", name: "lab-cluster-network", custom: true, outputs: { name: CLUSTER } },
    { type: "pulumi-nodejs:dynamic:Resource", name: "lab-cluster-kind", custom: true, outputs: { clusterName: CLUSTER, network: CLUSTER }, cluster: CLUSTER },
    { type: "pulumi:providers:kubernetes", name: "lab-k8s", custom: true },
    { type: "kubernetes:helm.sh/v3:Release", name: "lab-cni-flannel", custom: true },
    ...plannedObjects(plan).map((o) => ({ type: `kubernetes:${o.apiVersion}:${o.kind}`, name: `${o.kind}-${o.metadata.namespace ?? ""}-${o.metadata.name}`, custom: true })),
    // The assertion Jobs: a ConfigMap and a Job per source identity, and the probe targets' resolver.
    ...plan.assertions.clients.flatMap((c) => [
      { type: "kubernetes:core/v1:ConfigMap", name: `probe-configmap-${c.name}`, custom: true },
      { type: "kubernetes:batch/v1:Job", name: `probe-job-${c.name}`, custom: true },
    ]),
    ...Object.values(planTargetResolver(probedServices(plan.assertions.probes), plan.assertions.clients.map((c) => c.namespace), "", {})).map((o) => ({
      type: `kubernetes:${o.apiVersion}:${o.kind}`,
      name: `targets-${o.kind}`,
      custom: true,
    })),
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

export async function labMachine(): Promise<{ m: FakeMachine; plan: LabPlan; run: LabRun; deps: LabCommandDeps }> {
  const m = installFakes();
  const plan = planLab(await loadStack(STACK));
  m.configure({ program: programFor(plan) });
  const deps: LabCommandDeps = { host: m.host(makeRoot(HEALTHY)), root: m.project, tty: false };
  const run: LabRun = async (fn, argv, env = {}) => {
    const io = captureIo({ ...m.env, ...env }, m.dir);
    const code = await fn(argv, io, { ...deps, host: { ...deps.host, env: io.env } });
    return { code, out: io.out(), err: io.err() };
  };
  return { m, plan, run, deps };
}

/**
 * The fake pulumi's calls through the Automation API (which sets PULUMI_AUTOMATION_API), without
 * `version` (every workspace asks it): not the doctor's checks, not the signals it recorded.
 */
export const pulumiCallsOf = (m: FakeMachine): Call[] =>
  m.calls("pulumi").filter((c) => c.argv !== undefined && c.env?.PULUMI_AUTOMATION_API === "true" && c.argv[0] !== "version");
/** Calls as command lines, without the gRPC event target (a fresh port each time). */
export const argvOf = (calls: Call[]) => calls.map((c) => c.argv.filter((a) => !a.startsWith("tcp://")).join(" "));

/** The version package-lock.json pins for an SDK package's plugin: what `up` must install. */
export function lockedPlugin(name: "kubernetes" | "docker"): string {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
  return lock.packages[`node_modules/@pulumi/${name}`]!.version;
}
