/**
 * The lab's Docker bridge network as a Pulumi dynamic provider driving the `docker` CLI, which kind
 * needs on the machine anyway. It replaces @pulumi/docker's Network for cluster stacks, so that they
 * need no docker resource plugin (pulumi-docker's provider is not buildable here: the Go module proxy
 * serves no version of github.com/pulumi/pulumi-docker/provider).
 *
 * - create: `docker network create` with the name, subnet, gateway, masquerade option and the
 *   stack's labels; a network of that name that the state does not hold is refused, not adopted;
 * - read: the network by its ID, as Docker reports it, so a refresh sees drift, and a network
 *   deleted by hand leaves the state;
 * - diff: Docker cannot change a network, so every input change replaces it (delete first: the
 *   name and subnet are reused); states written by @pulumi/docker are taken over by an update;
 * - delete: only a network that still carries the labels the state recorded; one already gone is fine.
 *
 * Serialized into the state like the kind provider, under the same rules (see provider.ts): no
 * run-time import, builtins from `process.getBuiltinModule`, helpers are declarations in this file.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DockerNetworkInputs, DockerNetworkOutputs, PulumiDockerNetworkState } from "./network-types";

const DOCKER_TIMEOUT_MS = 2 * 60_000;
const MASQUERADE_OPTION = "com.docker.network.bridge.enable_ip_masquerade";
/** Docker's own name rule (moby daemon/names `RestrictedNamePattern`, v28); safe in every argument. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** The property the dynamic provider host stores the serialized provider under (cmd/dynamic-provider, 3.270). */
const PROVIDER_KEY = "__provider";

interface DockerResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** `docker <args>` on the network's Docker host: DOCKER_HOST set for a workshop's remote host. */
async function runDocker(args: string[], dockerHost: string | undefined): Promise<DockerResult> {
  const { spawn } = process.getBuiltinModule("node:child_process");
  const env = dockerHost ? { ...process.env, DOCKER_HOST: dockerHost } : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn("docker", args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: DOCKER_TIMEOUT_MS });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => reject(new Error(`cannot run \`docker\` (${e.message}): install Docker and put its CLI on PATH`)));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `docker <args>`'s stdout; a failure names what was being done and ends with what docker said. */
async function docker(args: string[], what: string, dockerHost: string | undefined): Promise<string> {
  const r = await runDocker(args, dockerHost);
  if (r.code === 0) return r.stdout;
  const status = r.signal ? `was stopped by ${r.signal} (timed out?)` : `exited with ${r.code}`;
  const said = (r.stderr.trim() || r.stdout.trim() || "(no output)").split("\n").slice(-10).join("\n  ");
  throw new Error(`${what}: \`docker ${args.join(" ")}\` ${status}:\n  ${said}`);
}

/** Whether a network with exactly this ID (or name) exists; `ls` filters match substrings, so compare. */
async function exists(by: "id" | "name", value: string, dockerHost: string | undefined): Promise<boolean> {
  const format = by === "id" ? "{{.ID}}" : "{{.Name}}";
  const out = await docker(["network", "ls", "--no-trunc", "--filter", `${by}=${value}`, "--format", format], `listing Docker networks failed`, dockerHost);
  return out.split("\n").some((line) => line.trim() === value);
}

interface NetworkInspect {
  Name?: string;
  Driver?: string;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** The network as Docker reports it, in the provider's terms. */
async function inspect(id: string, name: string, dockerHost: string | undefined): Promise<DockerNetworkOutputs> {
  const out = await docker(["network", "inspect", id], `inspecting Docker network "${name}" (${id}) failed`, dockerHost);
  const n = (JSON.parse(out) as NetworkInspect[])[0];
  if (!n) throw new Error(`\`docker network inspect ${id}\` reported nothing for Docker network "${name}"`);
  const ipv4 = (n.IPAM?.Config ?? []).find((c) => c.Subnet !== undefined && !c.Subnet.includes(":"));
  return {
    name: n.Name ?? name,
    subnet: ipv4?.Subnet ?? "",
    gateway: ipv4?.Gateway ?? "",
    // Docker's bridge driver masquerades unless the option says "false".
    masquerade: n.Options?.[MASQUERADE_OPTION] !== "false",
    labels: n.Labels ?? {},
    ...(dockerHost ? { dockerHost } : {}),
  };
}

/** The state in this provider's terms, also when @pulumi/docker wrote it. */
function normalized(state: DockerNetworkInputs | PulumiDockerNetworkState): DockerNetworkInputs {
  if (!("ipamConfigs" in state)) return state as DockerNetworkInputs;
  const ipam = state.ipamConfigs?.[0] ?? {};
  return {
    name: state.name ?? "",
    subnet: ipam.subnet ?? "",
    gateway: ipam.gateway ?? "",
    masquerade: state.options?.[MASQUERADE_OPTION] !== "false",
    labels: Object.fromEntries((state.labels ?? []).map((l) => [l.label, l.value])),
  };
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const text = (r: Record<string, string>) => JSON.stringify(Object.entries(r).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return text(a) === text(b);
}

/** The recorded labels the live network lacks or holds with another value, as `key=value`. */
function missingLabels(recorded: Record<string, string>, live: Record<string, string>): string[] {
  return Object.entries(recorded)
    .filter(([k, v]) => live[k] !== v)
    .map(([k, v]) => `${k}=${v}`);
}

export const dockerNetworkProvider: pulumi.dynamic.ResourceProvider<DockerNetworkInputs, DockerNetworkOutputs> = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const { name, subnet, gateway, masquerade, labels } = news;
    if (typeof name !== "string" || !NETWORK_NAME.test(name)) {
      failures.push({ property: "name", reason: `${JSON.stringify(name)} is not a Docker network name: use at least two letters, digits, '_', '.' or '-', starting with a letter or digit` });
    }
    const [address, bits, ...rest] = typeof subnet === "string" ? subnet.split("/") : [];
    if (!address || !IPV4.test(address) || !/^\d+$/.test(bits ?? "") || Number(bits) > 30 || rest.length > 0) {
      failures.push({ property: "subnet", reason: `${JSON.stringify(subnet)} is not an IPv4 subnet with room for nodes: expected a.b.c.d/n with n at most 30` });
    }
    if (typeof gateway !== "string" || !IPV4.test(gateway)) {
      failures.push({ property: "gateway", reason: `${JSON.stringify(gateway)} is not an IPv4 address` });
    }
    if (typeof masquerade !== "boolean") failures.push({ property: "masquerade", reason: `expected true or false, got ${JSON.stringify(masquerade)}` });
    const entries = labels !== null && typeof labels === "object" && !Array.isArray(labels) ? Object.entries(labels) : [];
    if (entries.length === 0 || entries.some(([k, v]) => k === "" || typeof v !== "string")) {
      failures.push({ property: "labels", reason: `expected the stack's identity labels as a map of strings (delete checks them), got ${JSON.stringify(labels)}` });
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    const old = normalized(olds);
    const replaces: (keyof DockerNetworkInputs)[] = (["name", "subnet", "gateway", "masquerade", "dockerHost"] as const).filter((key) => old[key] !== news[key]);
    if (!sameLabels(old.labels, news.labels)) replaces.push("labels");
    const oldCode = (olds as unknown as Record<string, unknown>)[PROVIDER_KEY];
    const newCode = (news as unknown as Record<string, unknown>)[PROVIDER_KEY];
    // Written by @pulumi/docker (no code of ours stored yet), or by another version of this code:
    // an update records this provider's state and code, and changes nothing on the machine.
    const takeOver = "ipamConfigs" in olds || (typeof oldCode === "string" && typeof newCode === "string" && oldCode !== newCode);
    // The name and subnet are reused, so the old network must go first.
    return { changes: replaces.length > 0 || takeOver, replaces, deleteBeforeReplace: true };
  },

  /** Only a take-over gets here (see diff): the network is the same; record what Docker reports. */
  async update(id, _olds, news) {
    if (!(await exists("id", id, news.dockerHost))) {
      throw new Error(`Docker network "${news.name}" (${id}) is gone: run \`cnilab up\` again, which refreshes the state and creates it`);
    }
    return { outs: await inspect(id, news.name, news.dockerHost) };
  },

  async create(inputs) {
    const { name, subnet, gateway, masquerade, labels, dockerHost } = inputs;
    if (await exists("name", name, dockerHost)) {
      throw new Error(
        `a Docker network named "${name}" already exists and is not in this stack's state: ` +
          `remove it (\`docker network rm ${name}\`) if nothing uses it, or choose another cnilab:clusterName`,
      );
    }
    const labelArgs = Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
    const args = ["network", "create", "--driver", "bridge", "--subnet", subnet, "--gateway", gateway, "--opt", `${MASQUERADE_OPTION}=${masquerade}`, ...labelArgs, name];
    const id = (await docker(args, `creating Docker network "${name}" failed`, dockerHost)).trim();
    return { id, outs: await inspect(id, name, dockerHost) };
  },

  async read(id, props) {
    // An empty id tells the engine the network is gone (see the kind provider's read).
    if (!(await exists("id", id, props?.dockerHost))) return { id: "" };
    return { id, props: await inspect(id, props?.name ?? id, props?.dockerHost) };
  },

  async delete(id, props) {
    const recorded = normalized(props);
    if (!(await exists("id", id, recorded.dockerHost))) return;
    const live = await inspect(id, recorded.name, recorded.dockerHost);
    const missing = missingLabels(recorded.labels, live.labels);
    if (Object.keys(recorded.labels).length === 0 || missing.length > 0) {
      throw new Error(
        `not removing Docker network "${live.name}" (${id}): it lacks this stack's labels ${missing.join(", ") || "(none recorded)"}, ` +
          `so it may not be this stack's; remove it by hand if it is (\`docker network rm ${live.name}\`)`,
      );
    }
    await docker(["network", "rm", id], `removing Docker network "${live.name}" failed (a container still attached?)`, recorded.dockerHost);
  },
};
