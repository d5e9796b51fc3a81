import { SpecError, type SpecProblem } from "../labs/errors";
import { LABS_DIR } from "../labs/lab";
import { objectSettings, readStackFile, stackNameOf } from "../labs/stack";
import { imageMapValueProblems } from "../labs/stack-maps";
import { zodProblems } from "../labs/zod-problems";
import { containsIp, formatCidr, mustParseCidr, parseIpv4 } from "../ip/cidr";
import { DRIVER_FACTS, driversWhere, PATH_KINDS, type DockerDriver } from "./drivers";
import { pathKindOf } from "./paths";
import { isDockerLab, loadDockerLab, probeId } from "./lab";
import { dockerStackSchema, type DockerLab, type DockerStackSettings } from "./schema";

/** Linux keeps interface names to 15 bytes; the lab-made parent bridge is `<name>-br`. */
const IFNAME_MAX = 15;
export const PARENT_BRIDGE_SUFFIX = "-br";

/** The stack settings after defaults. */
export interface DockerStack extends Omit<DockerStackSettings, "name"> {
  dockerDriver: DockerDriver;
  /** Prefix of every Docker object's name. */
  name: string;
  /** The Pulumi stack name (Pulumi.<stack>.yaml): the identity its Docker objects carry. */
  stackName: string;
  /** Where the settings came from, for messages. */
  source: string;
}

/** A validated Docker-only lab: the stack's settings and the lab file they name. */
export interface DockerSpec {
  stack: DockerStack;
  lab: DockerLab;
}

export function parseDockerStack(raw: Record<string, unknown>, source: string): DockerStack {
  const parsed = dockerStackSchema.safeParse(objectSettings(raw), { reportInput: true });
  if (!parsed.success) {
    throw new SpecError(zodProblems(dockerStackSchema, parsed.error.issues, source).map((p) => ({ ...p, path: `cnilab:${p.path}` })));
  }
  const s = parsed.data;
  const stack: DockerStack = { ...s, name: s.name ?? `cnilab-${DRIVER_FACTS[s.dockerDriver].short}`, stackName: stackNameOf(source), source };
  const problems: SpecProblem[] = imageMapValueProblems(stack.imageMap, source);
  const at = (key: string, message: string) => problems.push({ source, path: `cnilab:${key}`, message });
  const facts = DRIVER_FACTS[stack.dockerDriver];
  const parentDrivers = driversWhere((f) => f.parent).join(", ");
  if (!facts.parent && stack.parent !== undefined) at("parent", `the ${stack.dockerDriver} driver has no parent interface; cnilab:parent applies to ${parentDrivers}`);
  if (stack.parentAddress !== undefined && stack.parent === undefined) {
    at("parentAddress", "cnilab:parentAddress is the host's address on cnilab:parent; set cnilab:parent too, or drop it (the lab-made parent's address comes from the lab file)");
  }
  if (stack.parentAddress !== undefined && parseIpv4(stack.parentAddress) === undefined) at("parentAddress", `'${stack.parentAddress}' has an octet above 255`);
  if (facts.parent && stack.parent === undefined && stack.name.length + PARENT_BRIDGE_SUFFIX.length > IFNAME_MAX) {
    at("name", `'${stack.name}' makes the lab's parent bridge '${stack.name}${PARENT_BRIDGE_SUFFIX}', longer than Linux's ${IFNAME_MAX}-character interface names; use at most ${IFNAME_MAX - PARENT_BRIDGE_SUFFIX.length} characters`);
  }
  if (problems.length > 0) throw new SpecError(problems);
  return stack;
}

/** Stack settings (raw `cnilab:` config, prefix stripped) + the Docker lab file they name → one spec. */
export function loadDockerSpec(raw: Record<string, unknown>, source: string, labsDir = LABS_DIR): DockerSpec {
  const stack = parseDockerStack(raw, source);
  if (!isDockerLab(stack.lab, labsDir)) {
    throw new SpecError([{ source, path: "cnilab:lab", message: `labs/${stack.lab}.yaml is not a Docker lab (it must exist and say 'type: docker')` }]);
  }
  const lab = loadDockerLab(stack.lab, labsDir);
  const problems = checkDriverFit(stack, lab);
  if (problems.length > 0) throw new SpecError(problems);
  return { stack, lab };
}

/** Loads stacks/Pulumi.docker-<x>.yaml and its lab. */
export function loadDockerStackSpec(stackFile: string, labsDir = LABS_DIR): DockerSpec {
  return loadDockerSpec(readStackFile(stackFile), stackFile, labsDir);
}

/** What the chosen driver cannot do with this lab. */
function checkDriverFit(stack: DockerStack, lab: DockerLab): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const facts = DRIVER_FACTS[stack.dockerDriver];
  if (facts.parent && lab.networks.length > 1) {
    problems.push({
      source: stack.source,
      path: "cnilab:dockerDriver",
      message: `lab '${lab.name}' has ${lab.networks.length} networks, but ${stack.dockerDriver} allows one network per parent interface (Docker refuses a second one on a parent in use); give the lab one network with several subnets, or use ${driversWhere((f) => !f.parent && f.predefined === undefined).join(" or ")}`,
    });
  }
  if (facts.parent && stack.parent === undefined && lab.parentNetwork === undefined) {
    problems.push({
      source: stack.source,
      path: "cnilab:dockerDriver",
      message: `${stack.dockerDriver} hangs containers off a parent interface: give lab '${lab.name}' a parentNetwork (the Linux bridge the lab makes), or set cnilab:parent`,
    });
  }
  // A path is judged only for containers placed where the driver can put them.
  const placement = placementProblems(stack, lab);
  problems.push(...placement, ...(placement.length === 0 ? pathProblems(stack, lab) : []));
  if (stack.dockerDriver === "ipvlan-l3" && stack.parentAddress !== undefined) {
    const ip = parseIpv4(stack.parentAddress);
    const inside = lab.networks.flatMap((n) => n.subnets).find((s) => ip !== undefined && containsIp(mustParseCidr(s.subnet), ip));
    if (inside) {
      problems.push({
        source: stack.source,
        path: "cnilab:parentAddress",
        message: `${stack.parentAddress} is inside the lab subnet ${formatCidr(mustParseCidr(inside.subnet))}; in L3 mode the parent routes, so its address must be on another subnet`,
      });
    }
  }
  return problems;
}

/** Containers without a network need a driver with a predefined network; host takes no lab network at all. */
function placementProblems(stack: DockerStack, lab: DockerLab): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const facts = DRIVER_FACTS[stack.dockerDriver];
  const predefined = driversWhere((f) => f.predefined !== undefined).join(", ");
  const at = (message: string) => problems.push({ source: stack.source, path: "cnilab:dockerDriver", message });
  for (const [kind, list] of [["server", lab.servers], ["client", lab.clients]] as const) {
    for (const c of list) {
      if (c.network === undefined && facts.predefined === undefined) {
        at(`${kind} '${c.name}' of lab '${lab.name}' names no network, and ${stack.dockerDriver} has no predefined network to run it on (${predefined} have)`);
      }
      if (c.network !== undefined && facts.predefined === "host") {
        at(`${kind} '${c.name}' of lab '${lab.name}' is on network '${c.network}', but under host every container runs in the host's namespace: drop its network and address`);
      }
      if (kind === "server" && c.network === undefined && facts.predefined === "none") {
        at(`server '${c.name}' of lab '${lab.name}' names no network: on Docker's none network nothing could reach it; put it on a lab network`);
      }
    }
  }
  if (facts.predefined === "host" && lab.networks.length > 0) at(`lab '${lab.name}' has networks, but under host no container can be on them; use a lab without networks`);
  return problems;
}

/** A probe whose path the driver's facts do not cover has no expectation: refused before anything runs. */
function pathProblems(stack: DockerStack, lab: DockerLab): SpecProblem[] {
  const facts = DRIVER_FACTS[stack.dockerDriver];
  const covered = PATH_KINDS.filter((k) => facts.paths[k] !== undefined);
  return lab.probes.flatMap((p) => {
    const client = lab.clients.find((c) => c.name === p.from);
    if (!client) return [];
    const kind = pathKindOf(lab, facts, client, lab.servers.find((s) => s.name === p.to));
    if (facts.paths[kind] !== undefined) return [];
    const id = probeId(p.from, p.to, p.port ?? lab.servers.find((s) => s.name === p.to)?.port ?? 0, p.protocol);
    return [{ source: stack.source, path: "cnilab:dockerDriver", message: `lab '${lab.name}' probes ${id}, a ${kind} path, which the ${stack.dockerDriver} driver's facts do not cover (they cover ${covered.join(", ")})` }];
  });
}
