import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { didYouMean, SpecError, type SpecProblem } from "../labs/errors";
import { labFile, LABS_DIR, parseLabYaml, readLabFile } from "../labs/lab";
import { zodProblems } from "../labs/zod-problems";
import { containsIp, formatCidr, formatIp, overlaps, parseCidr, parseIpv4, size, type Cidr } from "../ip/cidr";
import { dockerLabSchema, type DockerLab } from "./schema";

/** The probe target that means "the host's own address" rather than a server. */
export const HOST_TARGET = "host";

/** Reads labs/<name>.yaml's top-level `type`: Docker-only labs say `type: docker`, cluster labs say nothing. */
export function isDockerLab(name: string, labsDir = LABS_DIR): boolean {
  let text: string;
  try {
    text = readFileSync(labFile(name, labsDir), "utf8");
  } catch {
    return false;
  }
  // An unreadable file is not claimed: the cluster loader reports its YAML errors.
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return false;
  return (doc.toJS() as { type?: unknown } | null)?.type === "docker";
}

export function loadDockerLab(name: string, labsDir = LABS_DIR): DockerLab {
  const { text, source } = readLabFile(name, labsDir);
  return parseDockerLab(text, source);
}

/** Strict parse, then every cross-field rule; all problems are reported at once. */
export function parseDockerLab(text: string, source: string): DockerLab {
  const parsed = dockerLabSchema.safeParse(parseLabYaml(text, source), { reportInput: true });
  if (!parsed.success) throw new SpecError(zodProblems(dockerLabSchema, parsed.error.issues, source));
  const problems = checkDockerLab(parsed.data, source);
  if (problems.length > 0) throw new SpecError(problems);
  return parsed.data;
}

interface SubnetAt {
  cidr: Cidr;
  path: string;
}

export function checkDockerLab(lab: DockerLab, source: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const at = (p: string, message: string) => problems.push({ source, path: p, message });

  // Subnets: valid, gateways inside, and no two overlapping (Docker refuses overlapping pools).
  const subnets: SubnetAt[] = [];
  const checkSubnet = (where: string, s: { subnet: string; gateway?: string | undefined }): Cidr | undefined => {
    const cidr = parseCidr(s.subnet);
    if (typeof cidr === "string") return void at(`${where}.subnet`, cidr);
    if (cidr.prefix > 29) at(`${where}.subnet`, `${s.subnet} is too small for a gateway and containers; use at most a /29`);
    for (const other of subnets) {
      if (overlaps(cidr, other.cidr)) at(`${where}.subnet`, `${s.subnet} overlaps ${formatCidr(other.cidr)} (${other.path}); Docker refuses overlapping subnets`);
    }
    subnets.push({ cidr, path: `${where}.subnet` });
    if (s.gateway !== undefined) {
      const why = hostProblem(cidr, s.gateway);
      if (why) at(`${where}.gateway`, why);
    }
    return cidr;
  };
  if (lab.parentNetwork) checkSubnet("parentNetwork", lab.parentNetwork);
  const networkSubnets = new Map<string, { cidr: Cidr; gateway?: string | undefined }[]>();
  // A network with a bad subnet has its own problem; its containers' addresses are not judged against it.
  const unsure = new Set<string>();
  lab.networks.forEach((n, i) => {
    const list = n.subnets.flatMap((s, j) => {
      const cidr = checkSubnet(`networks[${i}].subnets[${j}]`, s);
      return cidr ? [{ cidr, gateway: s.gateway }] : [];
    });
    if (list.length < n.subnets.length) unsure.add(n.name);
    networkSubnets.set(n.name, list);
  });
  for (const dup of duplicates(lab.networks.map((n) => n.name))) at("networks", `two networks are named '${dup}'`);

  // Containers: unique names, a declared network, an address inside it that nothing else has.
  const containers = [
    ...lab.servers.map((c, i) => ({ ...c, path: `servers[${i}]` })),
    ...lab.clients.map((c, i) => ({ ...c, path: `clients[${i}]` })),
  ];
  const names = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const c of containers) {
    if (c.name === HOST_TARGET) at(`${c.path}.name`, `'${HOST_TARGET}' is reserved: probes use it for the host's own address`);
    const first = names.get(c.name);
    if (first) at(`${c.path}.name`, `'${c.name}' is already the name of ${first}; container names must be unique`);
    else names.set(c.name, c.path);
    // Neither: the container runs on the driver's predefined network (docker/spec.ts checks the driver has one).
    if (c.network === undefined || c.address === undefined) {
      if (c.network !== undefined) at(`${c.path}.address`, `a container on network '${c.network}' needs its fixed address there`);
      if (c.address !== undefined) at(`${c.path}.network`, `${c.address} is an address on which network? name it, or drop the address to run on the driver's predefined network (host or none)`);
      continue;
    }
    const list = networkSubnets.get(c.network);
    if (!list) {
      const known = [...networkSubnets.keys()];
      at(`${c.path}.network`, `no network named '${c.network}'${didYouMean(c.network, known)}; networks: ${known.join(", ")}`);
      continue;
    }
    const ip = parseIpv4(c.address);
    if (unsure.has(c.network)) continue;
    if (ip === undefined) {
      at(`${c.path}.address`, `'${c.address}' is not an IPv4 address`);
      continue;
    }
    const home = list.find((s) => containsIp(s.cidr, ip));
    if (!home) {
      at(`${c.path}.address`, `${c.address} is outside network '${c.network}' (subnets: ${list.map((s) => formatCidr(s.cidr)).join(", ")})`);
      continue;
    }
    // Docker takes the subnet's first address as gateway when none is given, and keeps it off limits.
    const gateway = home.gateway ?? formatIp(home.cidr.base + 1);
    const why = hostProblem(home.cidr, c.address) ?? (gateway === c.address ? `${c.address} is the gateway of ${formatCidr(home.cidr)}` : undefined);
    if (why) at(`${c.path}.address`, why);
    const owner = owners.get(c.address);
    if (owner) at(`${c.path}.address`, `${c.address} is already the address of ${owner}; two containers cannot share one address`);
    else owners.set(c.address, `${c.path} (${c.name})`);
  }

  // Probes: from a client, to a server or the host, each pair once.
  const clients = lab.clients.map((c) => c.name);
  const servers = lab.servers.map((s) => s.name);
  const ids = new Map<string, number>();
  lab.probes.forEach((p, i) => {
    if (!clients.includes(p.from)) at(`probes[${i}].from`, unknownName("client", p.from, clients));
    if (p.to === HOST_TARGET) {
      if (p.port === undefined) at(`probes[${i}].port`, `a probe to '${HOST_TARGET}' needs a port (nothing in the lab decides which one the host serves)`);
    } else if (!servers.includes(p.to)) {
      at(`probes[${i}].to`, `${unknownName("server", p.to, servers)} (or '${HOST_TARGET}' for the host's own address)`);
    }
    const id = probeId(p.from, p.to, p.port ?? lab.servers.find((s) => s.name === p.to)?.port ?? 0, p.protocol);
    const first = ids.get(id);
    if (first !== undefined) at(`probes[${i}]`, `probes[${first}] already probes ${p.protocol} from ${p.from} to ${p.to} on that port`);
    else ids.set(id, i);
  });
  return problems;
}

/** The id a probe's result line carries: `client-a->web-b:80/tcp`. */
export function probeId(from: string, to: string, port: number, protocol: string): string {
  return `${from}->${to}:${port}/${protocol}`;
}

/** Why an address cannot be a host address of the subnet (outside, network or broadcast address). */
function hostProblem(cidr: Cidr, address: string): string | undefined {
  const ip = parseIpv4(address);
  if (ip === undefined) return `'${address}' is not an IPv4 address`;
  if (!containsIp(cidr, ip)) return `${address} is outside ${formatCidr(cidr)}`;
  if (ip === cidr.base) return `${address} is the network address of ${formatCidr(cidr)}`;
  if (ip === cidr.base + size(cidr) - 1) return `${address} is the broadcast address of ${formatCidr(cidr)}`;
  return undefined;
}

function unknownName(kind: string, name: string, known: readonly string[]): string {
  return `no ${kind} named '${name}'${didYouMean(name, known)}; ${kind}s: ${known.join(", ") || "(none)"}`;
}

function duplicates(names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  return new Set(names.filter((n) => (seen.has(n) ? true : (seen.add(n), false))));
}
