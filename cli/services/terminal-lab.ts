/**
 * The participant's own lab, as the terminal's cnilab finds it: the context file `workshop up` put
 * in their terminal (terminal/context.ts, at $CNILAB_TERMINAL_CONTEXT) and their kubeconfig
 * ($KUBECONFIG, which names their cluster alone: terminal/kubeconfig.ts). No stack, no Pulumi, no
 * kind: the terminal has none of them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BACKEND_FACTS } from "../../backends";
import { InputError } from "../../input/error";
import { fileProblem } from "../../labs/errors";
import type { ExerciseShelf } from "../../labs/exercise";
import { readTerminalContext, type TerminalContext } from "../../terminal/context";
import { TERMINAL_ENV } from "../../terminal/env";
import { TERMINAL_CLI_FILES, TERMINAL_PATHS } from "../../terminal/plan";
import type { CheckTarget } from "../check-target";
import type { Io } from "../command";

/** Where the participant's lab is described: $CNILAB_TERMINAL_CONTEXT, else the terminal's own path. */
export function contextFile(env: NodeJS.ProcessEnv): string {
  return env[TERMINAL_ENV.context] || TERMINAL_PATHS.context;
}

export function readOwnContext(io: Io): TerminalContext {
  return readTerminalContext(contextFile(io.env));
}

/** What verify and check call the participant's lab in messages and reports: a stack-like name, as reports are saved by it. */
export function ownLabName(context: TerminalContext): string {
  return `${context.workshop}-${context.participant}`;
}

/** The kubeconfig file: $KUBECONFIG (its first file, when it lists several), else the terminal's own. */
export function ownKubeconfigFile(env: NodeJS.ProcessEnv): string {
  return env.KUBECONFIG?.split(":").find((f) => f !== "") ?? TERMINAL_PATHS.kubeconfig;
}

export function readOwnKubeconfig(io: Io): string {
  const file = ownKubeconfigFile(io.env);
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError([{ source: file, path: "", message: `your kubeconfig ${fileProblem(err)} (KUBECONFIG names it; 'cnilab workshop up' puts it in each terminal)` }]);
  }
}

/** A live check's cluster: the participant's own, on their backend, its probe images as pinned or as the context maps them. */
export function ownCheckTarget(context: TerminalContext, io: Io): CheckTarget {
  return {
    name: ownLabName(context),
    backend: BACKEND_FACTS[context.backend],
    imageMap: context.imageMap ?? {},
    runs: `workshop ${context.workshop}'s lab ${context.lab}`,
    kubeconfigFile: ownKubeconfigFile(io.env),
    clusterName: "",
    bringUp: "ask your instructor: 'cnilab workshop status' on their machine shows your lab",
  };
}

/** The exercises beside the terminal's cnilab (TERMINAL_CLI_FILES) in its folder `dir`, their solutions withheld. */
export function terminalShelf(dir: string): ExerciseShelf {
  return { dir: join(dir, TERMINAL_CLI_FILES.exercises), labsDir: join(dir, TERMINAL_CLI_FILES.labs), solution: "withheld" };
}
