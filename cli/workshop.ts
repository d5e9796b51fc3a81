/**
 * `cnilab workshop <verb> <workshop>`: one isolated lab per participant, run from one screen. The
 * verbs live in cli/workshop-*.ts; this file parses the command line and dispatches.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { STATE_DIR_HELP } from "../host/state";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { defaultDeps, type LabCommandDeps } from "./deps";
import { didYouMean } from "../labs/errors";
import { downLab } from "./services/teardown";
import { resetCluster, statusCluster } from "./services/workshop-cluster";
import { labExercises } from "../workshop/exercises";
import { exerciseGrading } from "./services/workshop-exercises";
import { resolveWorkshop } from "./services/workshop-ref";
import { loadLabStack, readLabStack } from "./stack-arg";
import { workshopBundle } from "./workshop-bundle";
import { runWorkshopUp } from "./workshop-up";
import { runWorkshopPlan } from "./workshop-plan";
import { runWorkshopReset } from "./workshop-reset";
import { runWorkshopStatus } from "./workshop-status";

export const WORKSHOP_VERBS = ["plan", "up", "status", "reset", "down", "bundle"] as const;

export const WORKSHOP_HELP = `Usage: cnilab workshop <verb> <workshop> [options]

One isolated lab per participant, from workshops/<workshop>.yaml through its stack
stacks/Pulumi.workshop-<workshop>.yaml (\`cnilab:workshop: <workshop>\`). README "Workshops" says what
the file holds (lab, backend or a list to rotate through, participants, hosts, limits).

Verbs
  plan <workshop>                  capacity per host: participants × nodes × memory, CPU and disk per node
                                   against what the host has (memory available now, free disk under
                                   Docker's data root; \`docker info\` over ssh for a remote host, or what
                                   the file declares), inotify limits; every participant's cluster, node
                                   network, API server and host. Exit 2 "does not fit" with how many do.
  up <workshop>                    \`pulumi up\` of the workshop stack, as \`cnilab up\`: a registry cache per
                                   host, then every participant's lab; each node network checked against
                                   the networks on its host first. Saves per participant, in
                                   <state>/workshops/<workshop>/<participant>/: kubeconfig, handout.md,
                                   handout.html, participant.json; ends with each lab's probes judged.
    --from-bundle <file>           for a venue without internet: the caches first (serving only what
                                   they hold), the bundle loaded into them and its charts unpacked,
                                   then every lab with its charts from there
  status <workshop>                one row per participant: cluster reachable, nodes Ready, CNI ready,
                                   verify (probes as expected), exercises done; every cluster read at
                                   once, each within --timeout; an unreachable one is a row saying so.
    --watch                        read again every --interval seconds until Ctrl-C
    --interval <s>                 default 10
    --timeout <s>                  per participant, default 10
    --html <file>                  also write the table as one self-contained HTML page
  reset <workshop> <participant>   what the participant added in the lab's namespaces deleted, then the
                                   lab re-applied (\`pulumi up\` of their resources only, refreshed first)
    --hard                         instead rebuild their kind cluster (and everything in it)
  down <workshop>                  \`cnilab down\` of the workshop stack: every cluster, network, cache
                                   container and volume carrying its identity, and the participants'
                                   folders; nothing of another workshop or lab
    --force                        clear a lock left by a killed up first
  bundle <workshop>                every image the workshop runs (the plans' and what the charts deploy)
                                   and every chart archive, fetched by digest into one file
    --out <file>                   where to write it (required)
    --platform <os/arch,…>         the image platforms to keep, default linux/amd64

<state> is ${STATE_DIR_HELP}.

Exit status: 0 done (status: every participant up, CNI ready, probes as expected); 1 an update or
removal failed, or (status, up) a participant is unreachable or not as expected; 2 bad usage, an
invalid workshop file or stack, a collision, a missing prerequisite, or (plan) it does not fit;
130 cancelled with Ctrl-C.

Examples
  cnilab workshop plan demo
  cnilab workshop bundle demo --out demo.bundle
  cnilab workshop up demo --from-bundle demo.bundle
  cnilab workshop status demo --watch --html status.html
  cnilab workshop reset demo p2
  cnilab workshop down demo
`;

export async function runWorkshop(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || !(WORKSHOP_VERBS as readonly string[]).includes(verb)) {
    throw new UsageError(`${verb ? `unknown verb '${verb}'${didYouMean(verb, WORKSHOP_VERBS)}` : "missing <verb>"}; verbs: ${WORKSHOP_VERBS.join(", ")}`);
  }
  const options = {
    watch: { type: "boolean" },
    interval: { type: "string" },
    timeout: { type: "string" },
    html: { type: "string" },
    hard: { type: "boolean" },
    force: { type: "boolean" },
    "from-bundle": { type: "string" },
    out: { type: "string" },
    platform: { type: "string" },
  } as const;
  const { values, positionals } = parseCommandArgs({ args: rest, options, allowPositionals: true });
  const ref = resolveWorkshop(positionals[0], deps.root, io.cwd);
  const allowed: Record<string, readonly string[]> = {
    up: ["from-bundle"],
    status: ["watch", "interval", "timeout", "html"],
    reset: ["hard"],
    down: ["force"],
    bundle: ["out", "platform"],
  };
  const stray = Object.keys(values).filter((k) => !(allowed[verb] ?? []).includes(k));
  if (stray.length > 0) throw new UsageError(`--${stray[0]} is not an option of 'workshop ${verb}'${allowed[verb] ? `; it takes ${allowed[verb]!.map((o) => `--${o}`).join(", ")}` : ""}`);
  const wanted = verb === "reset" ? 2 : 1;
  if (positionals.length > wanted) throw new UsageError(`unexpected argument '${positionals[wanted]}'`);
  switch (verb) {
    case "plan":
      return runWorkshopPlan(ref, io, deps);
    case "up":
      return runWorkshopUp(ref, values["from-bundle"], io, deps);
    case "bundle": {
      if (!values.out) throw new UsageError("workshop bundle needs --out <file>");
      const lab = await loadLabStack(ref);
      if (lab.kind !== "workshop") throw new UsageError(`${ref.source} is not a workshop stack`);
      return workshopBundle({ workshop: lab.plan.workshop, plans: lab.plan.participants.map((p) => p.lab), out: values.out, ...(values.platform ? { platform: values.platform } : {}) }, io);
    }
    case "status": {
      const lab = await loadLabStack(ref);
      const exercises = exerciseGrading(lab.kind === "workshop" ? await labExercises(lab.plan.participants[0]?.spec.lab.name ?? "") : []);
      return runWorkshopStatus(
        ref,
        { watch: values.watch === true, intervalMs: seconds(values.interval, "--interval", 10), timeoutMs: seconds(values.timeout, "--timeout", 10), ...(values.html ? { html: values.html } : {}) },
        io,
        { root: deps.root, connect: statusCluster, ...(exercises ? { exercises } : {}), wait: (ms) => sleep(ms).then(() => true), now: () => new Date() },
      );
    }
    case "reset":
      return runWorkshopReset(ref, positionals[1], values.hard === true, io, deps, resetCluster);
    default:
      return downLab(ref, await readLabStack(ref), io, deps, { force: values.force === true });
  }
}

function seconds(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback * 1000;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`${option} takes seconds, more than 0 and at most 3600`, { value: text });
  return n * 1000;
}

export const workshopCommand: Command = {
  name: "workshop",
  summary: "one lab per participant: plan capacity, bring up, watch, reset one, tear down",
  help: WORKSHOP_HELP,
  run: (argv, io) => runWorkshop(argv, io),
};
