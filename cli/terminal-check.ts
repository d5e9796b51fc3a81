/**
 * `cnilab check` in a participant's terminal: an exercise's handout, an offline grade of their
 * files, or a live check on their own cluster (--live), as the main `cnilab check` does them
 * (cli/services/exercise-check.ts); the exercises are the terminal's copy, without solutions.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_PARTICIPANT } from "../exercises/hints-shown";
import { TERMINAL_CLI_FILES } from "../terminal/plan";
import { parseCommandArgs } from "./args";
import { liveCheckCluster } from "./check-cluster";
import { runLiveCheck, type LiveDeps } from "./check-live";
import { UsageError, type Command, type Io } from "./command";
import { runExerciseCheck } from "./services/exercise-check";
import { ownCheckTarget, readOwnContext, terminalShelf } from "./services/terminal-lab";

const HELP = `Usage: cnilab check <exercise> [-f FILE… | --live] [-o text|json]
       cnilab check --list

Exercises are tasks on your lab's workloads: write the NetworkPolicies that make a goal truth table
come true. Without -f or --live, prints the exercise's handout: the task, the pods with their
namespaces, labels and ports, the starting policies and the goal.

Offline (-f): the policies in your files (YAML or JSON; other kinds are ignored with a note),
applied over the exercise's starting policies as kubectl apply would, are judged by the
NetworkPolicy engine on the exercise's pods: every goal cell with its goal and the engine's
prediction, every miss with the engine's reason, then the next hint (one more per check that misses).

Live (--live): reads the NetworkPolicies of the exercise's namespaces from your cluster (your
kubeconfig, $KUBECONFIG), grades them as above, then probes every cell for real with one Job per
source, on your lab's backend (from the file 'cnilab workshop up' put in this terminal,
$CNILAB_TERMINAL_CONTEXT). Apply your policies with kubectl first.

Options
  -f, --file FILE         a file of your NetworkPolicies; repeatable
      --live              check the policies in your cluster, then probe
  -o, --output text|json  json: {"exercise","done","met","total","cells":[…],"hint"}; live adds
                          per cell "observed", "agreement" and "note", and "probes"
      --list              the exercises, one per line with its title

Reference solutions are not in this terminal.

Exit status: 0 every goal cell met (live: and every probe as the backend is expected to behave);
1 a cell missed or a probe disagreed; 2 bad usage, an unknown exercise, a policy that does not
validate, or a cluster or lab context that cannot be read.

Examples
  cnilab check --list
  cnilab check deny-nginx
  cnilab check deny-nginx -f mine.yaml
  kubectl apply -f mine.yaml && cnilab check deny-nginx --live
`;

/** `dir`: the folder of the terminal's cnilab, with its exercises, labs and probe program (TERMINAL_CLI_FILES). */
export async function runTerminalCheck(argv: string[], io: Io, dir: string): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      file: { type: "string", short: "f", multiple: true },
      live: { type: "boolean", default: false },
      output: { type: "string", short: "o", default: "text" },
      list: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const files = values.file ?? [];
  if (files.length > 0 && values.live) throw new UsageError("give -f FILE (offline) or --live (your cluster), not both");
  const deps: LiveDeps = {
    cluster: (kubeconfig, io) => liveCheckCluster(kubeconfig, io.env),
    probeBundle: () => readFileSync(join(dir, TERMINAL_CLI_FILES.probe), "utf8"),
  };
  return runExerciseCheck(
    {
      shelf: terminalShelf(dir),
      // The terminal is one participant's: their hints are kept in their own state folder.
      participant: LOCAL_PARTICIPANT,
      list: values.list === true,
      exercise: positionals,
      files,
      output: values.output!,
      ...(values.live
        ? {
            live: async (ex, hints, json) => {
              const context = readOwnContext(io);
              if (ex.lab !== context.lab) throw new UsageError(`exercise ${ex.name} is on lab ${ex.lab}; your lab is ${context.lab}: check it offline with -f FILE`);
              return runLiveCheck(ex, ownCheckTarget(context, io), { json }, io, hints, deps);
            },
          }
        : {}),
    },
    io,
  );
}

export const terminalCheckCommand: Command = {
  name: "check",
  summary: "grade your NetworkPolicies against an exercise's goal: offline from files, or live on your cluster",
  help: HELP,
  // The bundle's folder: terminal/image.ts puts the exercises, labs and probe program beside it.
  run: (argv, io) => runTerminalCheck(argv, io, __dirname),
};
