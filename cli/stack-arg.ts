/**
 * The `<stack>` argument of plan/up/down: a stack name (stacks/Pulumi.<name>.yaml) or a path to a
 * stack file. Bad input ends in one readable message, never a stack trace.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { formatProblem, loadSpec, readStackFile, SpecError, type Spec } from "../labs";
import { STACK_FILE_NAME, stackNameOf } from "../labs/stack";
import { isDockerLab, loadDockerSpec, planDockerLab, type DockerSpec } from "../docker";
import { didYouMean, fileProblem } from "../labs/errors";
import { planLab } from "../plan";
import { UsageError, type Io } from "./command";

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
export type LabStack = { kind: "cluster"; spec: Spec } | { kind: "docker"; spec: DockerSpec };

/** A stack file that does not give a lab: what is wrong, and its raw settings if they could be read. */
export interface UnreadableStack {
  kind: "unreadable";
  /** One line, or a first line and the problems indented below it. */
  message: string;
  raw?: Record<string, unknown>;
}

/** The validated stack, or why there is none (every problem of a SpecError on its own line). */
export async function readLabStack(ref: StackRef): Promise<LabStack | UnreadableStack> {
  let raw: Record<string, unknown>;
  try {
    raw = readStackFile(ref.file);
  } catch (err) {
    // A file-system failure in words (a directory, no permission); a YAML error with its first line.
    const why = (err as Error).name === "YAMLParseError" ? `is not valid YAML: ${(err as Error).message.split("\n")[0]}` : fileProblem(err);
    return { kind: "unreadable", message: `the stack file ${ref.source} ${why}` };
  }
  try {
    // The same test the Pulumi program makes (program.ts stackProgram), so plan and up agree.
    // After loading, the plan: only it can check cnilab:imageMap against the images it pins, before a command acts.
    if (typeof raw.lab === "string" && isDockerLab(raw.lab)) {
      const docker = loadDockerSpec(raw, ref.source);
      planDockerLab(docker);
      return { kind: "docker", spec: docker };
    }
    const spec = await loadSpec(raw, ref.source);
    planLab(spec);
    return { kind: "cluster", spec };
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return { kind: "unreadable", message: `${ref.source} is not a valid lab stack:\n${err.problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`, raw };
  }
}

/** The validated stack, or the exit code after printing why there is none: exit 2. */
export async function loadLabStackOrReport(ref: StackRef, io: Io, command: string): Promise<LabStack | number> {
  const lab = await readLabStack(ref);
  if (lab.kind !== "unreadable") return lab;
  io.stderr(`cnilab ${command}: ${lab.message}\n`);
  return 2;
}

/** For commands that work on kind clusters only: a Docker-only stack is named as such, exit 2. */
export async function loadStackSpecOrReport(ref: StackRef, io: Io, command: string): Promise<Spec | number> {
  const stack = await loadLabStackOrReport(ref, io, command);
  if (typeof stack === "number") return stack;
  if (stack.kind === "cluster") return stack.spec;
  io.stderr(`cnilab ${command}: ${ref.source} is a Docker-only lab (lab '${stack.spec.lab.name}', no Kubernetes); cnilab ${command} works on the kind-cluster stacks\n`);
  return 2;
}
