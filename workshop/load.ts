/**
 * workshops/<name>.yaml → a validated workshop: strict parse (schema.ts) → defaults → cross-field
 * checks, every problem at once with the file, the path, the value and what is allowed.
 */
import type { TerminalSettings } from "../terminal/settings";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Backend } from "../backends/types";
import { parseCidr, parseIpv4, type Cidr } from "../ip/cidr";
import { didYouMean, fileProblem, SpecError, type SpecProblem } from "../labs/errors";
import { listLabs, LABS_DIR, parseLabYaml, yamlNames } from "../labs/lab";
import { isDockerLab } from "../docker/lab";
import { objectKeysAt, zodProblems } from "../labs/zod-problems";
import { participantApiPort, participantSubnet, poolProblem, poolSize } from "./pool";
import { workshopSchema, type WorkshopFile } from "./schema";

/** The folder of the workshop files: workshops/ at the project root. */
export const WORKSHOPS_DIR = path.resolve(__dirname, "../workshops");

/** Docker's default bridge gateway: the first local pool's first address (pool.ts DOCKER_DEFAULT_POOLS). */
const LOCAL_CACHE_ADDRESS = "172.17.0.1";

/** kind cluster names here are at most 40 characters (labs/schema.ts clusterName). */
const CLUSTER_NAME_MAX = 40;

/** One Docker host of the workshop, defaults resolved. */
export interface WorkshopHost {
  /** `local`, or the ssh URL's host name as a DNS-1123 label: what resource names carry. */
  id: string;
  /** DOCKER_HOST for the Docker CLI and kind; absent for this machine's Docker. */
  dockerHost?: string;
  /** The IP address participants reach this host's API servers on. */
  address: string;
  /** The IP address this host's kind nodes reach its registry caches on. */
  cacheAddress: string;
  /** What the file caps this host at; undefined = what the host has. */
  memoryGiB?: number;
  cpus?: number;
  diskGiB?: number;
}

/** One participant: the position in the file decides the backend, node network and API port. */
export interface Participant {
  name: string;
  index: number;
  backend: Backend;
  clusterName: string;
  nodeSubnet: string;
  apiPort: number;
}

export interface WorkshopSpec {
  name: string;
  /** The workshop file, for messages. */
  source: string;
  lab: string;
  workers: number;
  participants: Participant[];
  hosts: WorkshopHost[];
  participantsPerHost?: number;
  /** Browser terminals, when the file asks for them. */
  terminals?: TerminalSettings;
}

export function workshopFile(name: string, dir = WORKSHOPS_DIR): string {
  return path.join(dir, `${name}.yaml`);
}

export function listWorkshops(dir = WORKSHOPS_DIR): string[] {
  return yamlNames(dir);
}

/** Reads and validates workshops/<name>.yaml; `where` names what pointed at it (the stack key). */
export function loadWorkshop(name: string, where: { source: string; path: string }, dir = WORKSHOPS_DIR, labsDir = LABS_DIR): WorkshopSpec {
  const file = workshopFile(name, dir);
  const source = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const known = listWorkshops(dir);
    const why = (err as { code?: unknown }).code === "ENOENT" ? `there is no ${source}${didYouMean(name, known)}` : `${source} ${fileProblem(err)}`;
    throw new SpecError([{ source: where.source, path: where.path, message: `'${name}': ${why}; workshops: ${known.join(", ") || "(none)"}` }]);
  }
  return parseWorkshop(text, source, name, labsDir);
}

export function parseWorkshop(text: string, source: string, name: string, labsDir = LABS_DIR): WorkshopSpec {
  const value = parseLabYaml(text, source);
  if (value === null || value === undefined) {
    throw new SpecError([{ source, path: "", message: `the file is empty; a workshop is a map with ${objectKeysAt(workshopSchema, []).join(", ")} (README "Workshops")` }]);
  }
  const parsed = workshopSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new SpecError(zodProblems(workshopSchema, parsed.error.issues, source));
  const problems: SpecProblem[] = [];
  const workshop = resolve(parsed.data, name, source, labsDir, (p, message) => problems.push({ source, path: p, message }));
  if (problems.length > 0) throw new SpecError(problems);
  return workshop;
}

function resolve(w: WorkshopFile, name: string, source: string, labsDir: string, at: (path: string, message: string) => void): WorkshopSpec {
  // A participant gets a kind cluster: the Docker-only labs have none to give them.
  const labs = listLabs(labsDir).filter((l) => !isDockerLab(l, labsDir));
  if (isDockerLab(w.lab, labsDir)) at("lab", `'${w.lab}' is a Docker-only lab (no cluster per participant); cluster labs: ${labs.join(", ")}`);
  else if (!labs.includes(w.lab)) at("lab", `no lab '${w.lab}' in labs/${didYouMean(w.lab, labs)}; labs: ${labs.join(", ")}`);
  const names = typeof w.participants === "number" ? Array.from({ length: w.participants }, (_, i) => `p${i + 1}`) : w.participants;
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) at(`participants[${i}]`, `'${n}' is listed twice; each participant needs their own name`);
    seen.add(n);
  });
  const poolError = poolProblem(w.subnetPool);
  if (poolError) at("subnetPool", poolError);
  const pool = poolError ? undefined : (parseCidr(w.subnetPool) as Cidr);
  if (pool && names.length > poolSize(pool)) at("participants", `${names.length} participants, but subnetPool ${w.subnetPool} holds ${poolSize(pool)} /24 node networks; widen the pool`);
  const lastPort = w.apiPortBase + names.length - 1;
  if (lastPort > 65535) at("apiPortBase", `${w.apiPortBase} + ${names.length} participants passes port 65535; lower it`);
  if (w.terminals && w.terminals.portBase + names.length - 1 > 65535) at("terminals.portBase", `${w.terminals.portBase} + ${names.length} participants passes port 65535; lower it`);
  const backends: Backend[] = Array.isArray(w.backend) ? w.backend : [w.backend];
  const participants = names.map((p, index): Participant => {
    const clusterName = `${name}-${p}`;
    if (clusterName.length > CLUSTER_NAME_MAX) {
      at(typeof w.participants === "number" ? "participants" : `participants[${index}]`, `cluster name '${clusterName}' (<workshop>-<participant>) has ${clusterName.length} characters, at most ${CLUSTER_NAME_MAX} allowed; shorten the name`);
    }
    return {
      name: p,
      index,
      backend: backends[index % backends.length]!,
      clusterName,
      nodeSubnet: pool && index < poolSize(pool) ? participantSubnet(pool, index) : "",
      apiPort: participantApiPort(w.apiPortBase, index),
    };
  });
  const hosts = w.hosts.map((h) => resolveHost(typeof h === "string" ? { docker: h } : h));
  const ids = new Set<string>();
  hosts.forEach((h, i) => {
    const entry = w.hosts[i]!;
    const where = typeof entry === "string" ? `hosts[${i}]` : `hosts[${i}].address`;
    if (ids.has(h.id)) at(`hosts[${i}]`, `host '${h.id}' is listed twice`);
    ids.add(h.id);
    // kind publishes the API server on this address and takes an IP only (plan/cluster.ts apiServerAddress).
    if (parseIpv4(h.address) === undefined) at(where, `'${h.address}' is not an IPv4 address; set address: to the IP participants reach this host on`);
    if (parseIpv4(h.cacheAddress) === undefined) at(typeof entry === "string" ? `hosts[${i}]` : `hosts[${i}].cacheAddress`, `'${h.cacheAddress}' is not an IPv4 address; set cacheAddress: to the host's IP its containers reach`);
  });
  return {
    name,
    source,
    lab: w.lab,
    workers: w.workers,
    participants,
    hosts,
    ...(w.limits.participantsPerHost ? { participantsPerHost: w.limits.participantsPerHost } : {}),
    ...(w.terminals ? { terminals: w.terminals } : {}),
  };
}

function resolveHost(h: Exclude<WorkshopFile["hosts"][number], string>): WorkshopHost {
  const caps = { ...(h.memoryGiB ? { memoryGiB: h.memoryGiB } : {}), ...(h.cpus ? { cpus: h.cpus } : {}), ...(h.diskGiB ? { diskGiB: h.diskGiB } : {}) };
  if (h.docker === "local") return { id: "local", address: h.address ?? "127.0.0.1", cacheAddress: h.cacheAddress ?? LOCAL_CACHE_ADDRESS, ...caps };
  const hostname = new URL(h.docker).hostname;
  const id = hostname.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "");
  const address = h.address ?? hostname;
  return { id, dockerHost: h.docker, address, cacheAddress: h.cacheAddress ?? address, ...caps };
}
