/**
 * `cnilab check <exercise>`: the exercise's handout; with -f, the participant's policies graded by
 * the engine cell by cell; with --stack, the policies in the cluster graded, then probed for real.
 */
import { LOCAL_PARTICIPANT } from "../exercises/hints-shown";
import { systemHost } from "../host/host";
import { locateTool } from "../host/tools";
import { REPO_EXERCISES } from "../labs/exercise";
import { hostTools } from "../perf/host";
import { bundleProbe } from "../probe/bundle";
import { parseCommandArgs } from "./args";
import { liveCheckCluster } from "./check-cluster";
import { runLiveCheck, type LiveDeps } from "./check-live";
import { checkTarget } from "./check-target";
import { UsageError, type Command, type Io } from "./command";
import { runExerciseCheck } from "./services/exercise-check";
import { PROJECT_ROOT, resolveStack } from "./stack-arg";

/** A live check's ways out on the instructor's machine: kind for a lab's kubeconfig, esbuild for the probe. */
const defaultLiveDeps: Required<LiveDeps> = {
  cluster: (kubeconfig, io) => liveCheckCluster(kubeconfig, io.env),
  async kindKubeconfig(clusterName, io) {
    // kind as every command finds it (the tools folder included).
    const kind = await locateTool(systemHost(io.env, io.cwd), "kind");
    return hostTools(kind.use ? { ...io.env, CNILAB_KIND: kind.use.path } : io.env).kubeconfig(clusterName);
  },
  probeBundle: bundleProbe,
};

const HELP = `Usage: cnilab check <exercise> [-f FILE…] [--stack STACK [--participant P] [--kubeconfig FILE]] [-o text|json]
       cnilab check --list

Exercises are tasks on a lab's workloads (labs/exercises/<exercise>.yaml): write the NetworkPolicies
that make a goal truth table come true. Without -f or --stack, prints the exercise's handout: the
task, the pods with their namespaces, labels and ports, the starting policies and the goal.

Offline (-f): the policies in the files (YAML or JSON, as for 'cnilab policy matrix'; other kinds
are ignored with a note), applied over the exercise's starting policies as kubectl apply would (one
of the same namespace and name replaces it), are judged by the NetworkPolicy engine on the
exercise's pods: every goal cell with its goal and the engine's prediction; every cell that misses
with the engine's reason (which policy and rule allows or denies it); then the next hint. Each check
that misses shows the next hint, in order (kept in <state>/exercises/<participant>/).

Live (--stack): reads the NetworkPolicies of the exercise's namespaces from the cluster
(@kubernetes/client-node; the kubeconfig from kind for the stack's cluster, --kubeconfig, or a workshop
participant's), grades them as above, then probes every cell to a lab workload for real: one Job per
source with the source's labels in its namespace, each pod of the target by IP, as 'up' runs its
assertion Jobs. Shows goal, prediction and observation side by side; where the observation differs
from the prediction it says whether the stack's backend does not enforce that part of NetworkPolicy
(flannel enforces none) or the cluster disagrees. The exercise's pods must run in the cluster, in the
namespaces the lab names. Cells to the cluster's own pods (kube-dns) are judged by the engine alone.

Options
  -f, --file FILE         a file of your NetworkPolicies; repeatable
      --stack STACK       the stack whose cluster runs the exercise (its backend and image map)
      --participant P     with a workshop stack (cnilab:workshop: W): participant P's cluster as 'workshop up'
                          saved it, <state>/workshops/<W>/<P>/kubeconfig, on the backend its participant.json names
      --kubeconfig FILE   the cluster's kubeconfig instead of kind's
  -o, --output text|json  json: {"exercise","done","met","total","cells":[{"from","to","port","protocol",
                          "goal","predicted","met","reason"}…],"hint"}; live adds per cell "observed",
                          "agreement" and "note", and "probes" (the rows of 'cnilab verify --json')
      --list              the exercises, one per line with its title

The reference solution of an exercise is never shown, by any of these.

Exit status: 0 every goal cell met (live: and every probe as the backend is expected to behave);
1 a cell missed or a probe disagreed; 2 bad usage, an unknown exercise, a policy that does not
validate (the message names the file, the object and the field), or a cluster that cannot be reached.

Examples
  cnilab check deny-nginx
  cnilab check deny-nginx -f mine.yaml

  exercise deny-nginx: 1 of 2 goal cells met
    from           to             port    goal    predicted
    default/demo   default/nginx  80/TCP  denied  allowed    MISS
    default/other  default/nginx  80/TCP  denied  denied     ok

  cnilab check access-namespace --stack kindnet -o json | jq '.cells[] | select(.met | not)'
  cnilab check egress-dns-only --stack workshop-demo --participant alice
`;

export const checkCommand: Command = {
  name: "check",
  summary: "grade NetworkPolicies against an exercise's goal: engine prediction per cell, then probes on a live cluster",
  help: HELP,
  run: (argv, io) => runCheck(argv, io),
};

export async function runCheck(argv: string[], io: Io, deps: LiveDeps = defaultLiveDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      file: { type: "string", short: "f", multiple: true },
      stack: { type: "string" },
      participant: { type: "string" },
      kubeconfig: { type: "string" },
      output: { type: "string", short: "o", default: "text" },
      list: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const files = values.file ?? [];
  const stack = values.stack;
  if (files.length > 0 && stack !== undefined) throw new UsageError("give -f FILE (offline) or --stack STACK (live), not both");
  if (stack === undefined && (values.participant !== undefined || values.kubeconfig !== undefined)) {
    throw new UsageError(`${values.participant !== undefined ? "--participant" : "--kubeconfig"} is for a live check: add --stack STACK`);
  }
  return runExerciseCheck(
    {
      shelf: REPO_EXERCISES,
      participant: values.participant ?? LOCAL_PARTICIPANT,
      list: values.list === true,
      exercise: positionals,
      files,
      output: values.output!,
      ...(stack !== undefined
        ? {
            live: async (ex, hints, json) => {
              const options = { ...(values.participant !== undefined ? { participant: values.participant } : {}), ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}) };
              const target = await checkTarget(resolveStack(stack, PROJECT_ROOT, io.cwd), ex.name, options, io);
              return runLiveCheck(ex, target, { json }, io, hints, deps);
            },
          }
        : {}),
    },
    io,
  );
}
