/**
 * What a person needs after a failed e2e phase, collected from the cluster before `down` removes it:
 * the events, every pod and node, `kubectl describe` and the logs of each pod and Job that is not
 * fine, each node's `ip route` and `ip -d link` (through `docker exec`, the node is a container), and
 * kind's own log export (kubelet, containerd and the node journals). Which pods and Jobs are
 * chosen is plain data (failingPods, failingJobs); every command is bounded in time, and one that
 * fails leaves its error in the file it was meant to fill.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Host } from "../host/host";

const STEP_TIMEOUT_MS = 60_000;
/** `kind export logs` copies every node's journal and container logs. */
const EXPORT_TIMEOUT_MS = 180_000;

export interface NamedObject {
  namespace: string;
  name: string;
}
export interface FailingPod extends NamedObject {
  /** A container restarted: its previous run's log tells why. */
  restarted: boolean;
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
}
interface PodItem {
  metadata?: { namespace?: string; name?: string };
  status?: { phase?: string; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}
interface JobItem {
  metadata?: { namespace?: string; name?: string };
  status?: { conditions?: { type?: string; status?: string }[] };
}

const named = (m: { namespace?: string; name?: string } | undefined): NamedObject => ({ namespace: m?.namespace ?? "default", name: m?.name ?? "" });

/**
 * Pods from `kubectl get pods -A -o json` that are not fine: not Running or Succeeded (Pending,
 * Failed, Unknown), Running with a container not ready, or with a container that restarted.
 */
export function failingPods(list: { items?: PodItem[] }): FailingPod[] {
  return (list.items ?? []).flatMap((pod) => {
    const phase = pod.status?.phase;
    if (phase === "Succeeded") return [];
    const containers = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const restarted = containers.some((c) => (c.restartCount ?? 0) > 0);
    const notReady = (pod.status?.containerStatuses ?? []).some((c) => c.ready !== true);
    return phase !== "Running" || notReady || restarted ? [{ ...named(pod.metadata), restarted }] : [];
  });
}

/** Jobs from `kubectl get jobs -A -o json` without a Complete condition: failed, or still running. */
export function failingJobs(list: { items?: JobItem[] }): NamedObject[] {
  return (list.items ?? [])
    .filter((job) => !(job.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True"))
    .map((job) => named(job.metadata));
}

export interface DiagnosticStep {
  /** Where the output goes, relative to the stack's folder. */
  file: string;
  command: string;
  args: string[];
  timeoutMs?: number;
}

export type KubectlStep = (file: string, ...args: string[]) => DiagnosticStep;

/** kubectl against the cluster of `kubeconfig`, each request bounded. */
export function kubectlStep(kubectl: string, kubeconfig: string): KubectlStep {
  return (file, ...args) => ({ file, command: kubectl, args: ["--kubeconfig", kubeconfig, "--request-timeout=30s", ...args] });
}

/** kubectl for each failing pod or Job: describe, logs of every container (and the previous run's). */
export function objectSteps(k: KubectlStep, pods: readonly FailingPod[], jobs: readonly NamedObject[]): DiagnosticStep[] {
  const logs = ["--all-containers", "--prefix", "--timestamps"];
  return [
    ...pods.flatMap((p) => [
      k(`pods/${p.namespace}.${p.name}.describe.txt`, "describe", "pod", "-n", p.namespace, p.name),
      k(`pods/${p.namespace}.${p.name}.log`, "logs", "-n", p.namespace, p.name, ...logs),
      ...(p.restarted ? [k(`pods/${p.namespace}.${p.name}.previous.log`, "logs", "-n", p.namespace, p.name, "--previous", ...logs)] : []),
    ]),
    ...jobs.flatMap((j) => [
      k(`jobs/${j.namespace}.${j.name}.describe.txt`, "describe", "job", "-n", j.namespace, j.name),
      k(`jobs/${j.namespace}.${j.name}.log`, "logs", "-n", j.namespace, `job/${j.name}`, ...logs),
    ]),
  ];
}

/** Each node's routes and links, seen from inside the node container. */
export function nodeSteps(docker: string, nodes: readonly string[]): DiagnosticStep[] {
  return nodes.flatMap((node) => [
    { file: `nodes/${node}.ip-route.txt`, command: docker, args: ["exec", node, "ip", "route"] },
    { file: `nodes/${node}.ip-link.txt`, command: docker, args: ["exec", node, "ip", "-d", "link"] },
  ]);
}

export interface DiagnosticTools {
  kind: string;
  docker: string;
  /** Without kubectl the events, describe and logs are left out, and index.txt says so. */
  kubectl?: string;
}

/** Collects into `dir`; returns the files written, relative to `dir`, index.txt (what ran, how it ended) last. */
export async function collectDiagnostics(host: Host, tools: DiagnosticTools, cluster: string, dir: string): Promise<string[]> {
  const index: string[] = [];
  const written: string[] = [];
  const run = async (step: DiagnosticStep) => {
    const r = await host.run(step.command, step.args, step.timeoutMs ?? STEP_TIMEOUT_MS);
    const ended = r.failure ?? `exit ${r.code}`;
    const trailer = r.code === 0 ? "" : `\n# ${[step.command, ...step.args].join(" ")}: ${ended}\n${r.stderr}`;
    const path = join(dir, step.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, r.stdout + trailer);
    written.push(step.file);
    index.push(`${step.file}  ←  ${[step.command, ...step.args].join(" ")}  (${ended})`);
    return r;
  };
  mkdirSync(dir, { recursive: true });

  const nodes = await host.run(tools.kind, ["get", "nodes", "--name", cluster], STEP_TIMEOUT_MS);
  const nodeNames = nodes.code === 0 ? nodes.stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("No kind nodes")) : [];
  if (nodeNames.length === 0) index.push(`no node containers of kind cluster ${cluster}: ${(nodes.stderr || nodes.stdout).trim() || "kind listed none"}`);

  if (nodeNames.length > 0 && tools.kubectl) await collectFromApi(host, tools.kubectl, tools.kind, cluster, run, index);
  else if (!tools.kubectl) index.push("kubectl is not on PATH: events, describe and logs not collected");

  for (const step of nodeSteps(tools.docker, nodeNames)) await run(step);
  if (nodeNames.length > 0) {
    await run({ file: "kind-logs.txt", command: tools.kind, args: ["export", "logs", join(dir, "kind-logs"), "--name", cluster], timeoutMs: EXPORT_TIMEOUT_MS });
  }
  writeFileSync(join(dir, "index.txt"), `Collected for kind cluster ${cluster}:\n${index.join("\n")}\n`);
  return [...written, "index.txt"];
}

type Run = (step: DiagnosticStep) => Promise<{ code: number | null; stdout: string }>;

/** The API server's view. The kubeconfig holds the cluster admin's key: a private temp file, never in `dir`. */
async function collectFromApi(host: Host, kubectl: string, kind: string, cluster: string, run: Run, index: string[]): Promise<void> {
  const got = await host.run(kind, ["get", "kubeconfig", "--name", cluster], STEP_TIMEOUT_MS);
  if (got.code !== 0) return void index.push(`kind get kubeconfig --name ${cluster} failed: ${got.stderr.trim()}`);
  const tmp = mkdtempSync(join(tmpdir(), "cnilab-e2e-"));
  const kubeconfig = join(tmp, "kubeconfig");
  try {
    writeFileSync(kubeconfig, got.stdout, { mode: 0o600 });
    chmodSync(kubeconfig, 0o600);
    const k = kubectlStep(kubectl, kubeconfig);
    await run(k("events.txt", "get", "events", "-A", "--sort-by=.lastTimestamp"));
    await run(k("nodes.txt", "get", "nodes", "-o", "wide"));
    await run(k("pods.txt", "get", "pods", "-A", "-o", "wide"));
    const list = (kind: string) => host.run(kubectl, k("", "get", kind, "-A", "-o", "json").args, STEP_TIMEOUT_MS);
    const [pods, jobs] = [await list("pods"), await list("jobs")];
    const parse = <T>(text: string): T => (JSON.parse(text || "{}") as T);
    const badPods = pods.code === 0 ? failingPods(parse(pods.stdout)) : [];
    const badJobs = jobs.code === 0 ? failingJobs(parse(jobs.stdout)) : [];
    index.push(`failing pods: ${badPods.map((p) => `${p.namespace}/${p.name}`).join(", ") || "none"}; Jobs not complete: ${badJobs.map((j) => `${j.namespace}/${j.name}`).join(", ") || "none"}`);
    for (const step of objectSteps(k, badPods, badJobs)) await run(step);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
