/**
 * What the measurement asks the machine running kind: the node containers' idle footprint
 * (`docker stats`), one node's routes and devices (`docker exec <node> ip …`; kind's node image has
 * iproute2), and the versions for the fingerprint. `docker` is taken from PATH or $CNILAB_DOCKER;
 * `kind` from $CNILAB_KIND, which cli/perf.ts sets to what the doctor's finder found.
 */
import { cpus } from "node:os";
import { dockerExecutable, KIND_CLUSTER_LABEL, kindExecutable } from "../host/kind";
import { runProcess } from "../host/run";
import type { NodeFootprint } from "../datapath/results";
import { parseDockerStats } from "./docker-stats";
import { parseLinks, parseRoutes, type ObservedDevice } from "./facts";

const TIMEOUT_MS = 60_000;

/** One node's routes (`ip route` lines) and devices, its per-pod veths counted, with their MTUs. */
export interface NodeNetworkView {
  routes: string[];
  devices: ObservedDevice[];
  podInterfaces: number;
  podMtus: number[];
}

export interface HostTools {
  footprint(cluster: string): Promise<NodeFootprint[]>;
  nodeNetwork(node: string): Promise<NodeNetworkView>;
  kubeconfig(cluster: string): Promise<string>;
  /** CPU model and count, Docker and kind versions. */
  fingerprint(): Promise<Record<string, string>>;
}

async function output(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runProcess(file, args, env, TIMEOUT_MS);
  if (r.code === 0) return r.stdout;
  const said = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-3).join(" | ");
  throw new Error(`\`${[file, ...args].join(" ")}\` failed: ${said || r.failure || `exit ${r.code}`}`);
}

export function hostTools(env: NodeJS.ProcessEnv): HostTools {
  const docker = dockerExecutable(env);
  const kind = kindExecutable(env);
  const settle = async <T>(p: Promise<T>, fallback: T) => p.catch(() => fallback);
  return {
    async footprint(cluster) {
      const names = (await output(docker, ["ps", "--filter", `label=${KIND_CLUSTER_LABEL}=${cluster}`, "--format", "{{.Names}}"], env)).split("\n").filter((n) => n.trim() !== "");
      if (names.length === 0) throw new Error(`no running container has the label ${KIND_CLUSTER_LABEL}=${cluster}`);
      return parseDockerStats(await output(docker, ["stats", "--no-stream", "--format", "{{json .}}", ...names], env));
    },
    async nodeNetwork(node) {
      const routes = parseRoutes(await output(docker, ["exec", node, "ip", "route", "show"], env));
      return { routes, ...parseLinks(await output(docker, ["exec", node, "ip", "-j", "-d", "link", "show"], env)) };
    },
    async kubeconfig(cluster) {
      return output(kind, ["get", "kubeconfig", "--name", cluster], env);
    },
    async fingerprint() {
      const cpu = cpus();
      return {
        cpu: cpu[0]?.model.trim() ?? "unknown",
        cpus: String(cpu.length),
        docker: (await settle(output(docker, ["version", "--format", "{{.Server.Version}}"], env), "unknown")).trim(),
        // "kind v0.30.0 go1.24.6 linux/amd64"
        kind: (await settle(output(kind, ["version"], env), "unknown")).trim().split(/\s+/)[1] ?? "unknown",
      };
    },
  };
}
