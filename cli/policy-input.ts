/**
 * The files `policy matrix -f` reads: Kubernetes objects (YAML or JSON), or a cnilab lab file, whose
 * namespaces, pods and policies are the ones its plan probes (one pod per workload and per client).
 * Each file is held to the input bounds before it is parsed; the pods of all files together after.
 */
import { open, readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { policyUniverse } from "../assertions/policy-probes";
import { formatProblem, parseLab, SpecError } from "../labs";
import { fileProblem } from "../labs/errors";
import { inputFormat, podCountProblem, readKubernetesObjects, sizeProblem, type LoadedObjects } from "../policy";
import type { Io } from "./command";

/** The objects of every file, or the problems (each naming its file) that stop the command. */
export async function loadPolicyInput(files: readonly string[], io: Io): Promise<LoadedObjects> {
  const all: LoadedObjects = { namespaces: [], pods: [], policies: [], notes: [], problems: [] };
  const counts: { file: string; pods: number }[] = [];
  // Every object read so far, across files: a second one of the same identity is named, never a silent replacement.
  const seen = new Map<string, string>();
  for (const file of files) {
    const text = await readBounded(file, io.cwd);
    if (typeof text !== "string") return { ...all, problems: [text.problem] };
    const one = looksLikeLab(text) ? await readLabObjects(text, file) : readKubernetesObjects(text, file, seen);
    all.namespaces.push(...one.namespaces);
    all.pods.push(...one.pods);
    all.policies.push(...one.policies);
    all.notes.push(...one.notes);
    all.problems.push(...one.problems);
    counts.push({ file, pods: one.pods.length });
  }
  const tooMany = podCountProblem(counts);
  if (tooMany) return { ...all, problems: [...all.problems, tooMany] };
  return all;
}

/** The text of a file within the size bound of its format, judged from its size and first bytes. */
async function readBounded(file: string, cwd: string): Promise<string | { problem: string }> {
  const path = resolve(cwd, file);
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { problem: `${file} is a directory, not a file` };
    const handle = await open(path, "r");
    let head: string;
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
      head = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
    const tooLarge = sizeProblem(file, info.size, inputFormat(head));
    if (tooLarge) return { problem: tooLarge };
    return await readFile(path, "utf8");
  } catch (err) {
    return { problem: `${file} ${fileProblem(err)}` };
  }
}

/**
 * A lab file is one YAML mapping with the lab's own top-level keys and no `kind`; Kubernetes objects
 * (and `kind: List`) always have a kind. Judged on the text, so a lab file is parsed once, by the
 * lab loader, with every check `plan` makes.
 */
export function looksLikeLab(text: string): boolean {
  return inputFormat(text) === "yaml" && /^(workloads|clients|scenarios):/m.test(text) && !/^kind:/m.test(text);
}

async function readLabObjects(text: string, file: string): Promise<LoadedObjects> {
  try {
    const lab = await parseLab(text, file);
    const { pods, policies } = policyUniverse(lab);
    const note = `${file}: lab ${lab.name}: one pod per workload and per client, the policies of every scenario together, as its plan probes them`;
    return { namespaces: lab.namespaces, pods, policies, notes: [note], problems: [] };
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return { namespaces: [], pods: [], policies: [], notes: [], problems: err.problems.map(formatProblem) };
  }
}
