/**
 * `cnilab down <stack>`: destroy the stack, then make sure nothing of the lab is left, whatever state
 * an earlier `up` died in. Pulumi's state can miss what a killed `up` was creating, so after
 * `pulumi destroy` what is still on the machine and is this stack's — recorded in its state, or
 * carrying its identity (host/ownership.ts) — is removed; a kind cluster or network that only shares
 * a name is left alone and named. A destroy that failed is retried once, refreshing the state first.
 * A stack file that no longer validates does not stop it: it says what it could not read.
 */
import { BACKEND_SUBDIR } from "./pulumi";
import type { Command, Io } from "./command";
import { defaultDeps, type LabCommandDeps } from "./deps";
import { parseLabArgs } from "./services/lab-args";
import { downLab } from "./services/teardown";
import { readLabStack } from "./stack-arg";

export const DOWN_HELP = `Usage: cnilab down <stack> [--force]

Removes everything \`cnilab up <stack>\` made — the kind cluster, the lab's Docker network and every
object in the cluster — also after an \`up\` that failed or was killed halfway:
  1. \`pulumi destroy\` of the stack (state in <state>/${BACKEND_SUBDIR}/ or PULUMI_BACKEND_URL,
     passphrase as for up);
  2. then whatever of this stack is still there: \`kind delete cluster --name <cluster>\` and
     \`docker network rm <network>\`. Only what the stack's state recorded, or what carries its
     identity: its Docker network is labelled io.cnilab.project=cnilab, io.cnilab.stack=<stack>,
     and a kind cluster is the stack's when its node containers sit on that network. A cluster or
     network that merely has the same name is another lab's: left alone, and named;
  3. if step 1 failed, \`pulumi destroy --refresh\` once more, now that the leftovers are gone.
It says what it removed. Running it again when nothing is left is fine. Ctrl-C asks Pulumi to
cancel the destroy cleanly (a second Ctrl-C stops at once); step 2 then does not run. A stack file
that no longer
validates (a typo, a removed key) does not stop it: it says what it could not read and removes what
the state recorded and what carries the stack's labels.

A Docker-only stack (docker-*) has no cluster and needs no kind: step 2 removes its containers
(\`docker rm -f\`, only those carrying the stack's labels) and then its networks, lab networks before
the parent bridge they hang off.

Options
  --force      the stack is locked by an \`up\` that was killed: clear the lock (\`pulumi cancel\`)
               first. Only when no other up/down of this stack is running.
  -h, --help   this text

kind and Pulumi are found as for up; one found nowhere is fetched first, as \`cnilab setup\` does.

Exit status: 0 nothing of the lab is left; 1 something could not be removed (the message says what);
2 bad usage, invalid stack, or a missing prerequisite (Docker, kind for kind labs, Pulumi).

Examples
  cnilab down flannel-vxlan
  cnilab down docker-macvlan
`;

export async function runDown(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { ref, flags } = parseLabArgs("down", argv, io, deps.root, { force: { type: "boolean" } });
  return downLab(ref, await readLabStack(ref), io, deps, { force: flags.force === true });
}

export const downCommand: Command = {
  name: "down",
  summary: "remove a lab stack completely, also after a failed or killed up",
  help: DOWN_HELP,
  run: (argv, io) => runDown(argv, io),
};
