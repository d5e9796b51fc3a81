/**
 * The collision checks of `plan` and `up` (host/collisions.ts) wired to the project and the machine:
 * every other stack file's claims, Docker's view of the machine, the stack's recorded state.
 */
import type { Stack as PulumiStack } from "@pulumi/pulumi/automation";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { planDockerLab, type DockerSpec } from "../docker";
import { InputError } from "../input/error";
import type { SpecProblem } from "../labs/errors";
import { parseStack, readStackFile } from "../labs/stack";
import { DockerViewError, readDockerView, type DockerRun, type DockerView } from "../host/docker-view";
import { clusterClaim, fileCollisions, hostCollisions, type Claim } from "../host/collisions";
import { NOTHING_RECORDED, recordedNames, type Recorded } from "../host/ownership";
import { which, type Host } from "../host/host";
import { listStacks, STACKS_DIR, type LabStack } from "./stack-arg";
import { workshopClaims } from "./services/workshop-stack";

const DOCKER_TIMEOUT_MS = 60_000;

/** The docker CLI on this machine, or on another Docker host (`-H <DOCKER_HOST>`: a workshop's ssh://user@host). */
export function hostDocker(host: Host, dockerHost?: string): DockerRun {
  return (args) => host.run("docker", dockerHost ? ["-H", dockerHost, ...args] : args, DOCKER_TIMEOUT_MS);
}

/** What a stack claims, per Docker host it uses (undefined: this machine's). */
export function claimsOf(lab: LabStack): { dockerHost?: string; claim: Claim }[] {
  if (lab.kind === "workshop") return workshopClaims(lab.plan, lab.plan.participants[0]?.spec.stack.source ?? "");
  return [{ claim: lab.kind === "cluster" ? clusterClaim(lab.spec.stack) : dockerClaim(lab.spec) }];
}

/** A Docker-only lab claims its networks (the subnets come from its lab file, chosen through cnilab:lab). */
function dockerClaim(spec: DockerSpec): Claim {
  const plan = planDockerLab(spec);
  return {
    stack: spec.stack.stackName,
    source: spec.stack.source,
    networks: plan.networks.flatMap((n) => n.ipamConfigs.map((c) => ({ name: n.name, subnet: c.subnet, key: `cnilab:lab (network ${n.name})` }))),
  };
}

/**
 * The kind stacks in stacks/: their cluster and node subnet. Docker-only stacks share their lab's
 * subnets by design (one up at a time) and are met on the machine instead; a file that does not
 * validate claims nothing until it does.
 */
export function otherStackClaims(root: string, self: string): Claim[] {
  const claims: Claim[] = [];
  for (const name of listStacks(root).filter((n) => n !== self)) {
    const file = join(root, STACKS_DIR, `Pulumi.${name}.yaml`);
    try {
      claims.push(clusterClaim(parseStack(readStackFile(file), `${STACKS_DIR}/Pulumi.${name}.yaml`)));
    } catch {
      // Not a kind stack, or not valid: its own plan/up says why.
    }
  }
  return claims;
}

/** Stack-file collisions of a kind stack (Docker-only stacks collide only on the machine). */
export function stackFileProblems(lab: LabStack, root: string): SpecProblem[] {
  if (lab.kind !== "cluster" || !existsSync(join(root, STACKS_DIR))) return [];
  return fileCollisions(claimsOf(lab)[0]!.claim, otherStackClaims(root, lab.spec.stack.name));
}

/**
 * Every claim against what its Docker host already has; `dockerOn` gives the docker CLI of a host
 * (`docker` itself for this machine), each host read once.
 */
export async function machineProblems(lab: LabStack, dockerOn: (dockerHost: string | undefined) => DockerRun, recorded: Recorded = NOTHING_RECORDED): Promise<SpecProblem[]> {
  const claims = claimsOf(lab);
  const views = new Map<string | undefined, DockerView>();
  for (const host of new Set(claims.map((c) => c.dockerHost))) views.set(host, await readDockerView(dockerOn(host)));
  return claims.flatMap((c) => hostCollisions(c.claim, views.get(c.dockerHost)!, recorded));
}

/** What the stack's state recorded; nothing when it cannot be read (a fresh stack). */
export async function recordedOf(stack: PulumiStack | undefined): Promise<Recorded> {
  if (!stack) return NOTHING_RECORDED;
  try {
    return recordedNames((await stack.exportStack()).deployment);
  } catch {
    return NOTHING_RECORDED;
  }
}

/** Collisions are bad input: the stack file claims what another lab has. Throws them all at once. */
export function refuseCollisions(problems: readonly SpecProblem[], source: string): void {
  if (problems.length > 0) throw new InputError(problems, `${source} collides with another lab`);
}

/**
 * Another stack file sharing the cluster name or node subnet always stops the plan; what exists on
 * the machine (and a workshop's other hosts) is checked when Docker is there to ask (plan itself
 * needs no Docker).
 */
export async function refuseAnyCollision(lab: LabStack, root: string, host: Host): Promise<void> {
  const source = lab.kind === "workshop" ? (lab.plan.participants[0]?.spec.stack.source ?? "") : lab.spec.stack.source;
  const problems = stackFileProblems(lab, root);
  if (problems.length === 0 && which(host, "docker")) {
    try {
      problems.push(...(await machineProblems(lab, (dockerHost) => hostDocker(host, dockerHost))));
    } catch (err) {
      if (!(err instanceof DockerViewError)) throw err;
      // The daemon is down or unreachable: nothing of Docker's can collide now; up checks again.
    }
  }
  refuseCollisions(problems, source);
}
