/**
 * The `<stack>` argument of plan/up/down: a stack name (stacks/Pulumi.<name>.yaml) or a path to a
 * stack file. Bad input ends in one readable message, never a stack trace.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { loadSpec, readStackFile, type Spec } from "../labs";
import { InputError } from "../input/error";
import { STACK_FILE_NAME, stackNameOf } from "../labs/stack";
import { isDockerLab, loadDockerSpec, planDockerLab, type DockerSpec } from "../docker";
import { didYouMean, fileProblem } from "../labs/errors";
import { planLab } from "../plan";
import { isWorkshopStack, planWorkshopStack } from "../workshop/stack";
import type { WorkshopPlan } from "../workshop/plan";
import { UsageError } from "./command";

export { PROJECT_ROOT } from "../host/state";
/** Pulumi.yaml's `stackConfigDir`. */
export const STACKS_DIR = "stacks";

export interface StackRef {
  /** The Pulumi stack name. */
  name: string;
  /** Absolute path of the stack file. */
  file: string;
  /** The file as messages name it: relative to the project root when it is inside it. */
  source: string;
  /** True when it is <root>/stacks/Pulumi.<name>.yaml, the file Pulumi itself reads for the stack. */
  inStacksDir: boolean;
}

/** Pulumi's stack name characters (https://www.pulumi.com/docs/iac/concepts/stacks/). */
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

export function listStacks(root: string): string[] {
  const dir = resolve(root, STACKS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => STACK_FILE_NAME.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
}

export function resolveStack(arg: string | undefined, root: string, cwd: string): StackRef {
  if (arg === undefined || arg === "") throw new UsageError(`missing <stack>; stacks: ${listStacks(root).join(", ")}`);
  const stacksDir = resolve(root, STACKS_DIR);
  const looksLikePath = arg.includes("/") || /\.ya?ml$/.test(arg);
  if (looksLikePath) {
    const file = resolve(cwd, arg);
    if (!existsSync(file)) throw new UsageError(`no stack file '${arg}' (resolved to ${file})`);
    const name = stackNameOf(file);
    const inStacksDir = dirname(file) === stacksDir && STACK_FILE_NAME.test(basename(file));
    return { name, file, source: sourceName(file, root), inStacksDir };
  }
  const file = resolve(stacksDir, `Pulumi.${arg}.yaml`);
  if (!STACK_NAME.test(arg) || !existsSync(file)) {
    const stacks = listStacks(root);
    throw new UsageError(`unknown stack '${arg}'${didYouMean(arg, stacks)}; stacks in ${STACKS_DIR}/: ${stacks.join(", ")}`);
  }
  return { name: arg, file, source: sourceName(file, root), inStacksDir: true };
}

function sourceName(file: string, root: string): string {
  const rel = relative(root, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * A stack's validated spec, by the kind of lab it names: a kind cluster (labs/<lab>.yaml without a
 * `type`) or a Docker-only lab (`type: docker`, docker/). Commands switch on `kind`; nothing else
 * asks which loader applies.
 */
export type LabStack = { kind: "cluster"; spec: Spec } | { kind: "docker"; spec: DockerSpec } | { kind: "workshop"; plan: WorkshopPlan };

/** A stack file that does not give a lab: what is wrong, and its raw settings if they could be read. */
export interface UnreadableStack {
  kind: "unreadable";
  /** Every problem, under a headline naming the file when there are several. */
  error: InputError;
  raw?: Record<string, unknown>;
}

/**
 * The validated stack, or why there is none (every problem of the lab's InputError on its own line).
 * `down` goes on without a valid stack, so this returns what the others throw (loadLabStack).
 */
export async function readLabStack(ref: StackRef): Promise<LabStack | UnreadableStack> {
  let raw: Record<string, unknown>;
  try {
    raw = readStackFile(ref.file);
  } catch (err) {
    // A file-system failure in words (a directory, no permission); a YAML error with its first line.
    const why = (err as Error).name === "YAMLParseError" ? `is not valid YAML: ${(err as Error).message.split("\n")[0]}` : fileProblem(err);
    return { kind: "unreadable", error: new InputError([{ source: ref.source, path: "", message: `the stack file ${why}` }]) };
  }
  try {
    // The same test the Pulumi program makes (program.ts stackProgram), so plan and up agree.
    // After loading, the plan: only it can check cnilab:imageMap against the images it pins, before a command acts.
    if (isWorkshopStack(raw)) return { kind: "workshop", plan: await planWorkshopStack(raw, ref.source) };
    if (typeof raw.lab === "string" && isDockerLab(raw.lab)) {
      const docker = loadDockerSpec(raw, ref.source);
      planDockerLab(docker);
      return { kind: "docker", spec: docker };
    }
    const spec = await loadSpec(raw, ref.source);
    planLab(spec);
    return { kind: "cluster", spec };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { kind: "unreadable", error: new InputError(err.problems, `${ref.source} is not a valid lab stack`), raw };
  }
}

/** The validated stack; its InputError when it does not validate (the CLI prints it, exit 2). */
export async function loadLabStack(ref: StackRef): Promise<LabStack> {
  const lab = await readLabStack(ref);
  if (lab.kind === "unreadable") throw lab.error;
  return lab;
}

/** For commands that work on kind clusters only: a Docker-only stack is bad input for them. */
export async function loadClusterSpec(ref: StackRef, command: string): Promise<Spec> {
  const stack = await loadLabStack(ref);
  if (stack.kind === "cluster") return stack.spec;
  if (stack.kind === "workshop") throw workshopStackError(ref, stack.plan, command);
  throw new InputError([
    {
      source: ref.source,
      path: "cnilab:lab",
      message: `a Docker-only lab (lab '${stack.spec.lab.name}', no Kubernetes); cnilab ${command} works on the kind-cluster stacks`,
    },
  ]);
}

/** A command that works on one lab, given a workshop's stack: which `cnilab workshop` verb to use instead. */
export function workshopStackError(ref: StackRef, plan: WorkshopPlan, command: string): InputError {
  return new InputError([
    {
      source: ref.source,
      path: "cnilab:workshop",
      message: `a workshop stack (workshop '${plan.workshop}', ${plan.participants.length} labs); cnilab ${command} works on one lab: use cnilab workshop plan|up|status|reset|down ${plan.workshop}`,
    },
  ]);
}
