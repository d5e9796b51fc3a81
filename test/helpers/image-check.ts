import * as path from "node:path";
import { IMAGE_FACTS, type ImageFacts } from "../../pins";

/**
 * Checks a container against what its image provides (pins/image-facts.ts), as a runtime would run
 * it: the image is pinned by digest and has a facts row; the program that starts exists in the image;
 * a `sh -c` script calls only executables the image has (or shell builtins and its own functions).
 */

export interface RunSpec {
  /** Where the container is, for messages: "<object> <container>". */
  where: string;
  image: string;
  /** Kubernetes `command` (replaces ENTRYPOINT) or Docker `Cmd` (replaces CMD, keeps ENTRYPOINT). */
  command?: readonly string[];
  /** Kubernetes `args` (replaces CMD). */
  args?: readonly string[];
  runtime: "kubernetes" | "docker";
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const SHELLS = new Set(["sh", "bash", "ash", "dash"]);
/** Shell builtins and keywords our scripts use: no executable needed. */
const BUILTINS = new Set(["[", "test", "echo", "printf", "read", "exit", "set", "cd", "export", "return", "true", "false", ":", "exec", "shift", "wait", "trap", "eval", "local"]);
const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case", "esac", "{", "}", "!", "function"]);

export function factsOf(ref: string): ImageFacts | undefined {
  return Object.values(IMAGE_FACTS).find((f) => f.ref === ref);
}

/** An entry with a slash is that path; a bare name is looked up on PATH, so it matches by basename. */
export function hasExecutable(facts: ImageFacts, program: string): boolean {
  return program.includes("/") ? facts.executables.includes(program) : facts.executables.some((e) => e === program || path.posix.basename(e) === program);
}

/**
 * The first word of every simple command in a POSIX shell script: what it executes. Quoted text is
 * opaque (a command substitution inside double quotes is not looked into: our scripts have none);
 * `$( … )` and backticks start commands of their own; leading assignments and keywords are skipped;
 * `name()` defines a function, returned in `functions`.
 */
export function shellCommands(script: string): { commands: string[]; functions: string[] } {
  const unquoted = script.replace(/'[^']*'/g, "''").replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const segments = unquoted.replace(/\$\(|`|\)/g, "\n").split(/\n|;|&&|\|\||\|/);
  const commands: string[] = [];
  const functions: string[] = [];
  for (const segment of segments) {
    const words = segment.trim().split(/\s+/).filter((w) => w !== "");
    const first = words.find((w) => !KEYWORDS.has(w) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    if (first === undefined) continue;
    const fn = /^([A-Za-z_][\w-]*)\(\)?$/.exec(first);
    if (fn && (first.endsWith("()") || first.endsWith("("))) functions.push(fn[1]!);
    else commands.push(first);
  }
  return { commands, functions };
}

export function imageProblems(c: RunSpec): string[] {
  const at = `${c.where} (${c.image})`;
  const problems: string[] = [];
  if (!DIGEST.test(c.image)) problems.push(`${at}: not pinned by digest`);
  const facts = factsOf(c.image);
  if (!facts) return [...problems, `${at}: no row in IMAGE_FACTS (pins/image-facts.ts)`];

  const entrypoint = facts.entrypoint ?? [];
  const argv =
    c.runtime === "kubernetes"
      ? c.command ?? [...entrypoint, ...(c.args ?? facts.cmd ?? [])]
      : [...entrypoint, ...(c.command ?? facts.cmd ?? [])];
  const programs = [argv[0]];
  // Docker keeps the ENTRYPOINT; the wrappers our images have (docker-entrypoint.sh and the like) exec their arguments.
  if (c.runtime === "docker" && entrypoint.length > 0 && c.command) programs.push(c.command[0]);
  for (const program of programs) {
    if (program === undefined) problems.push(`${at}: nothing to run (no command, no ENTRYPOINT or CMD)`);
    else if (!hasExecutable(facts, program)) problems.push(`${at}: runs ${program}, which the image lacks (it has ${facts.executables.join(", ")})`);
  }
  const [program, flag, script] = argv;
  if (program && SHELLS.has(path.posix.basename(program)) && flag === "-c" && script !== undefined) {
    const { commands, functions } = shellCommands(script);
    for (const word of commands) {
      if (BUILTINS.has(word) || functions.includes(word) || hasExecutable(facts, word)) continue;
      problems.push(`${at}: its script calls ${word}, which the image lacks (it has ${facts.executables.join(", ")})`);
    }
  }
  return problems;
}

/** IMAGE_FACTS as the README shows it: one row per pinned image. */
export function imageFactsMarkdown(): string {
  const code = (s: string) => `\`${s}\``;
  const argv = (a: readonly string[] | null) => (a ? code(a.join(" ")) : "—");
  const rows = Object.values(IMAGE_FACTS).map((f) => {
    const [name] = f.ref.split("@");
    const source = f.build.map((b) => `${b.repository} ${code(b.path)} @ ${b.at}`).join(", ");
    return `| ${code(name!)} | ${argv(f.entrypoint)} | ${f.shell ?? "none"} | ${f.executables.map(code).join(" ")} | ${f.user} | ${f.manifest} | ${source} |`;
  });
  return ["| image (pinned by digest) | entrypoint | shell | executables we call | user | manifest | read from |", "|---|---|---|---|---|---|---|", ...rows].join("\n");
}
