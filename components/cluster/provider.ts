/**
 * The kind cluster as a Pulumi dynamic provider that drives the real `kind` CLI.
 *
 * Why a dynamic provider and not @pulumi/command's `local.Command` running `kind create`:
 * - refresh: `read` asks kind whether the cluster still exists, so a cluster deleted by hand
 *   leaves the state on `pulumi refresh`; a Command only replays the stdout it stored;
 * - diff: we decide per input what replaces the cluster (topology, networking, its name) and
 *   that nothing else does, and that the old one goes first because the name is reused;
 * - rollback: a create that fails half-way deletes what kind left behind before failing, so
 *   a retry does not trip over "node(s) already exist";
 * - outputs are data (nodes with role and IP), and the kubeconfig is read again on refresh.
 *
 * What that costs: Pulumi serializes this provider object, with every function it reaches,
 * into the stack state and runs that copy in its provider process — also on a later
 * `destroy`, after this file has changed. A module captured by a method (an `import` used in
 * its body) breaks that or drags the module into the state. So: this file has no run-time
 * import (types only); each function takes node builtins from `process.getBuiltinModule`
 * (Node ≥ 22.3); helpers are function declarations in this file that reach only globals, each
 * other and constants; and a new version must still read state written by older ones.
 *
 * The copy in the state is replaced only by a create or an update, and `read` and `delete` run the
 * copy in the state. So `diff` compares the provider code the engine stored (`__provider`, which
 * @pulumi/pulumi's dynamic provider host hands to `diff` among the old outputs) with the current one,
 * and when only the code differs it asks for an update, which changes nothing in the cluster and
 * stores the new code: the next refresh or destroy runs the fixed `read` and `delete`.
 *
 * The executable is `kind` on PATH, or `$CNILAB_KIND`; docker is `docker` on PATH, as for kind.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RegistryHostsFile } from "../../plan/registry-mirrors";
import type { KindClusterInputs, KindClusterOutputs, KindNode } from "./types";

/** Image pulls (~1 GB for kindest/node) dominate a first create; kind itself takes ~1 min. */
const CREATE_TIMEOUT_MS = 20 * 60_000;
const QUERY_TIMEOUT_MS = 2 * 60_000;
/** kind labels every node container with its role (kind pkg/cluster/constants, v0.27). */
const ROLE_LABEL = "io.x-k8s.kind.role";
/**
 * A DNS-1123 label of at most 50 characters: kind's own limit (`clusterNameMax = 50` in
 * kubernetes-sigs/kind pkg/cluster/internal/create/create.go, 3c8ae608) keeps
 * `<name>-control-plane` within the 64-character hostname limit; kind merely warns, we refuse.
 */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CLUSTER_NAME_MAX = 50;
/** Docker's own name rule (moby daemon/names `RestrictedNamePattern`, v28); safe in every argument. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/**
 * plan/registry-mirrors.ts CERTS_DIR, restated: this file imports nothing of ours at run time. The
 * node image has no such folder (kind images/base/files/etc/containerd at v0.30.0 holds config.toml
 * only), so cnilab owns it whole.
 */
const CERTS_DIR = "/etc/containerd/certs.d";
/** A registry host as a folder name: host[:port] or _default (labs/stack-maps.ts checks the form). */
const REGISTRY_HOST_DIR = /^[A-Za-z0-9_][A-Za-z0-9._-]*(:[0-9]+)?$/;
/** The property the dynamic provider host stores the serialized provider under (cmd/dynamic-provider, 3.270). */
const PROVIDER_KEY = "__provider";

interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * host/kind.ts kindExecutable's rule, restated: Pulumi serializes this provider by value and runs it
 * in the dynamic-provider host, so it imports nothing of ours at run time (a module import would be
 * captured whole). `up` resolves kind once (host/tools.ts) and passes the result as CNILAB_KIND.
 */
function kindExecutable(): string {
  return process.env.CNILAB_KIND || "kind";
}

async function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  const { spawn } = process.getBuiltinModule("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (e) =>
      reject(
        new Error(
          `cannot run \`${file}\` (${e.message}): install kind (v0.27 or later) and Docker, ` +
            "and put them on PATH, or point CNILAB_KIND at the kind binary",
        ),
      ),
    );
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
  });
}

/** Runs kind with the lab's network in KIND_EXPERIMENTAL_DOCKER_NETWORK (kind reads it on every call). */
function runKind(args: string[], network: string | undefined, timeoutMs: number, dockerHost?: string): Promise<RunResult> {
  const env = network ? { ...dockerEnv(dockerHost), KIND_EXPERIMENTAL_DOCKER_NETWORK: network } : dockerEnv(dockerHost);
  return run(kindExecutable(), args, env, timeoutMs);
}

/**
 * The environment for kind and docker: DOCKER_HOST set for a cluster on another Docker host (a
 * workshop's `ssh://user@host`); kind drives the docker CLI, which reads it.
 */
function dockerEnv(dockerHost: string | undefined): NodeJS.ProcessEnv {
  return dockerHost ? { ...process.env, DOCKER_HOST: dockerHost } : { ...process.env };
}

/** An error that names the command line and ends with what it printed last (kind logs to stderr). */
function commandFailed(what: string, file: string, args: string[], result: RunResult): Error {
  const status = result.signal ? `was stopped by ${result.signal} (timed out?)` : `exited with ${result.code}`;
  const said = (result.stderr.trim() || result.stdout.trim() || "(no output)").split("\n").slice(-15);
  return new Error(`${what}: \`${[file, ...args].join(" ")}\` ${status}; last output:\n  ${said.join("\n  ")}`);
}

async function kindOutput(args: string[], network: string | undefined, what: string, dockerHost?: string): Promise<string> {
  const result = await runKind(args, network, QUERY_TIMEOUT_MS, dockerHost);
  if (result.code !== 0) throw commandFailed(what, kindExecutable(), args, result);
  return result.stdout;
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

async function listClusters(network: string | undefined, dockerHost?: string): Promise<string[]> {
  return lines(await kindOutput(["get", "clusters"], network, "listing kind clusters failed", dockerHost));
}

/** What kind and Docker report about a running cluster: its kubeconfig and its nodes. */
async function describeCluster(name: string, network: string, dockerHost?: string): Promise<Pick<KindClusterOutputs, "kubeconfig" | "nodes">> {
  const kubeconfig = await kindOutput(["get", "kubeconfig", "--name", name], network, `reading the kubeconfig of "${name}" failed`, dockerHost);
  const names = lines(await kindOutput(["get", "nodes", "--name", name], network, `listing the nodes of "${name}" failed`, dockerHost));
  if (names.length === 0) throw new Error(`kind lists no nodes for cluster "${name}"`);
  // The whole inspect document as JSON rather than a --format template: no network name to
  // quote inside a Go template, and the parse below names what is missing.
  const inspectArgs = ["inspect", "--type", "container", ...names];
  const inspected = await run("docker", inspectArgs, dockerEnv(dockerHost), QUERY_TIMEOUT_MS);
  if (inspected.code !== 0) throw commandFailed(`inspecting the nodes of "${name}" failed`, "docker", inspectArgs, inspected);
  return { kubeconfig, nodes: parseNodes(JSON.parse(inspected.stdout), network) };
}

interface ContainerInspect {
  Name?: string;
  Config?: { Labels?: Record<string, string> };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
}

function parseNodes(containers: ContainerInspect[], network: string): KindNode[] {
  const nodes = containers.map((c): KindNode => {
    const name = (c.Name ?? "").replace(/^\//, "");
    const role = c.Config?.Labels?.[ROLE_LABEL];
    const networks = c.NetworkSettings?.Networks ?? {};
    const internalIP = networks[network]?.IPAddress ?? "";
    if (role !== "control-plane" && role !== "worker" && role !== "external-load-balancer") {
      throw new Error(`node container "${name}" has ${ROLE_LABEL}=${JSON.stringify(role)}, expected control-plane, worker or external-load-balancer`);
    }
    if (internalIP === "") {
      throw new Error(
        `node "${name}" has no address on Docker network "${network}" (it is on: ${Object.keys(networks).join(", ") || "none"}); ` +
          "kind did not honour KIND_EXPERIMENTAL_DOCKER_NETWORK",
      );
    }
    return { name, role, internalIP };
  });
  return nodes.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Replaces every node's certs.d with these hosts.toml files (none: the folder goes). One `sh` per
 * node; each file travels as base64 inside the script, so no quoting of its text can break it.
 * containerd reads the files on each pull, so no restart follows.
 */
async function writeRegistryHosts(nodes: KindNode[], files: RegistryHostsFile[], dockerHost?: string): Promise<void> {
  const lines = ["set -e", `rm -rf '${CERTS_DIR}'`];
  for (const f of files) {
    const dir = `${CERTS_DIR}/${f.host}`;
    lines.push(`mkdir -p '${dir}'`, `printf '%s' '${Buffer.from(f.toml).toString("base64")}' | base64 -d > '${dir}/hosts.toml'`);
  }
  // kind's load balancer (several control planes) runs haproxy and pulls nothing.
  for (const node of nodes.filter((n) => n.role !== "external-load-balancer")) {
    const args = ["exec", node.name, "sh", "-c", lines.join("\n")];
    const result = await run("docker", args, dockerEnv(dockerHost), QUERY_TIMEOUT_MS);
    if (result.code !== 0) throw commandFailed(`writing the registry mirrors (${CERTS_DIR}) into node "${node.name}" failed`, "docker", args.slice(0, 4), result);
  }
}

/** Whether two lists of hosts files are the same, in the same order (absent: none). */
function sameRegistryHosts(a: RegistryHostsFile[] | undefined, b: RegistryHostsFile[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

async function deleteCluster(name: string, network: string | undefined, dockerHost?: string): Promise<void> {
  const args = ["delete", "cluster", "--name", name];
  const result = await runKind(args, network, QUERY_TIMEOUT_MS, dockerHost);
  if (result.code !== 0) throw commandFailed(`deleting kind cluster "${name}" failed`, kindExecutable(), args, result);
}

/** Deletes what a failed create left behind and says so in the error that is thrown on. */
async function rollBack(cause: unknown, name: string, network: string, dockerHost?: string): Promise<Error> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  try {
    await deleteCluster(name, network, dockerHost);
    return new Error(`${reason}\nThe half-created cluster was deleted (\`kind delete cluster --name ${name}\`).`);
  } catch (cleanup) {
    const why = cleanup instanceof Error ? cleanup.message : String(cleanup);
    return new Error(`${reason}\nDeleting the half-created cluster failed too; run \`kind delete cluster --name ${name}\` by hand.\n${why}`);
  }
}

/** JSON with every object's keys sorted: equal for equal data, whatever order or formatting made it. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The config as data when both sides have it; the text, as older versions compared, when not. */
function sameConfig(olds: KindClusterInputs, news: KindClusterInputs): boolean {
  if (olds.configData !== undefined && news.configData !== undefined) return canonicalJson(olds.configData) === canonicalJson(news.configData);
  return olds.config === news.config;
}

/** What the state records: the inputs (configData only when given) and what kind reports. */
function stateOf(inputs: KindClusterInputs, live: Pick<KindClusterOutputs, "kubeconfig" | "nodes">): KindClusterOutputs {
  const { clusterName, config, network, configData, registryHosts, dockerHost } = inputs;
  return {
    clusterName,
    config,
    network,
    ...(configData === undefined ? {} : { configData }),
    ...(registryHosts === undefined ? {} : { registryHosts }),
    ...(dockerHost === undefined ? {} : { dockerHost }),
    kubeconfig: live.kubeconfig,
    nodes: live.nodes,
  };
}

export const kindClusterProvider: pulumi.dynamic.ResourceProvider<KindClusterInputs, KindClusterOutputs> = {
  async check(_olds, news) {
    // During preview an input may be Pulumi's unknown placeholder (a UUID string); it passes
    // these rules, and the real value is checked again before create.
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const { clusterName, config, network } = news;
    if (typeof clusterName !== "string" || !CLUSTER_NAME.test(clusterName)) {
      failures.push({
        property: "clusterName",
        reason: `${JSON.stringify(clusterName)} is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`,
      });
    } else if (clusterName.length > CLUSTER_NAME_MAX) {
      failures.push({
        property: "clusterName",
        reason: `"${clusterName}" has ${clusterName.length} characters; kind allows at most ${CLUSTER_NAME_MAX} so that "<name>-control-plane" stays a valid hostname`,
      });
    }
    if (typeof config !== "string" || config.trim() === "") {
      failures.push({ property: "config", reason: "the kind Cluster config is empty: expected a kind.x-k8s.io/v1alpha4 Cluster document" });
    }
    if (news.configData !== undefined && (news.configData === null || typeof news.configData !== "object" || Array.isArray(news.configData))) {
      failures.push({ property: "configData", reason: `expected the kind Cluster document as an object, got ${JSON.stringify(news.configData)}` });
    }
    if (typeof network !== "string" || !NETWORK_NAME.test(network)) {
      failures.push({
        property: "network",
        reason: `${JSON.stringify(network)} is not a Docker network name: use at least two letters, digits, '_', '.' or '-', starting with a letter or digit`,
      });
    }
    for (const f of news.registryHosts ?? []) {
      if (typeof f?.host !== "string" || !REGISTRY_HOST_DIR.test(f.host) || typeof f.toml !== "string") {
        failures.push({ property: "registryHosts", reason: `${JSON.stringify(f)} is not a hosts.toml entry: expected { host: "<registry host[:port]> or _default", toml: "<text>" }` });
      }
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    // Every input but the mirrors is topology or networking, which kind cannot change on a running cluster.
    const replaces: (keyof KindClusterInputs)[] = (["clusterName", "network", "dockerHost"] as const).filter((key) => olds[key] !== news[key]);
    if (!sameConfig(olds, news)) replaces.push("config");
    const oldCode = (olds as unknown as Record<string, unknown>)[PROVIDER_KEY];
    const newCode = (news as unknown as Record<string, unknown>)[PROVIDER_KEY];
    const newProviderCode = typeof oldCode === "string" && typeof newCode === "string" && oldCode !== newCode;
    // The replacement reuses the cluster name (and node names), so the old one must go first.
    const newMirrors = !sameRegistryHosts(olds.registryHosts, news.registryHosts);
    return { changes: replaces.length > 0 || newProviderCode || newMirrors, replaces, deleteBeforeReplace: true };
  },

  /**
   * New mirrors are written into the running nodes; otherwise only new provider code (or a
   * re-rendered config) gets here, and the engine merely stores these outputs and the new code.
   * Everything kind cannot change in place replaces the cluster.
   */
  async update(_id, olds, news) {
    if (!sameRegistryHosts(olds.registryHosts, news.registryHosts)) await writeRegistryHosts(olds.nodes, news.registryHosts ?? [], news.dockerHost);
    return { outs: stateOf(news, olds) };
  },

  async create(inputs) {
    const { clusterName, config, network, dockerHost } = inputs;
    // Refuse to adopt (and, on failure, to delete) a cluster this stack did not make.
    if ((await listClusters(network, dockerHost)).includes(clusterName)) {
      throw new Error(
        `a kind cluster named "${clusterName}" already exists and is not in this stack's state: ` +
          `delete it (\`kind delete cluster --name ${clusterName}\`) or choose another cnilab:clusterName`,
      );
    }
    const fs = process.getBuiltinModule("node:fs");
    const os = process.getBuiltinModule("node:os");
    const path = process.getBuiltinModule("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnilab-kind-"));
    try {
      const configFile = path.join(dir, "kind-config.yaml");
      fs.writeFileSync(configFile, config);
      // No --wait: it only waits for the control plane, and on timeout warns yet exits 0.
      // Readiness (nodes Ready once the CNI runs) is awaited elsewhere.
      const args = ["create", "cluster", "--name", clusterName, "--config", configFile];
      try {
        const result = await runKind(args, network, CREATE_TIMEOUT_MS, dockerHost);
        if (result.code !== 0) throw commandFailed(`creating kind cluster "${clusterName}" failed`, kindExecutable(), args, result);
        const live = await describeCluster(clusterName, network, dockerHost);
        if (inputs.registryHosts?.length) await writeRegistryHosts(live.nodes, inputs.registryHosts, dockerHost);
        return { id: clusterName, outs: stateOf(inputs, live) };
      } catch (err) {
        throw await rollBack(err, clusterName, network, dockerHost);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },

  async read(id, props) {
    if (!props?.network) {
      throw new Error(`reading kind cluster "${id}" needs its recorded Docker network; importing a cluster by id is not supported`);
    }
    // An empty id tells the engine the resource is gone: the Node SDK's ReadResult.id is "blank
    // if missing", and pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go (270acf1)
    // turns an empty ID into no outputs, which pkg/resource/deploy/step.go's RefreshStep records
    // as a delete.
    if (!(await listClusters(props.network, props.dockerHost)).includes(id)) return { id: "" };
    const live = await describeCluster(id, props.network, props.dockerHost);
    return { id, props: stateOf(props, live) };
  },

  async delete(id, props) {
    // kind exits 0 when the cluster is already gone, so destroy after a manual delete succeeds.
    await deleteCluster(props?.clusterName || id, props?.network, props?.dockerHost);
  },
};
