/**
 * `cnilab up <stack>`: validate the stack, check the prerequisites, then `pulumi up` through the
 * Automation API with progress, and print what came up. Re-running it is safe: Pulumi compares with
 * the recorded state and changes only what differs.
 */
import type { Command, Io } from "./command";
import { STATE_DIR_HELP } from "../host/state";
import { defaultDeps, type LabCommandDeps } from "./deps";
import { BACKEND_SUBDIR, DEFAULT_PASSPHRASE } from "./pulumi";
import { bringUp } from "./services/deploy";
import { parseLabArgs } from "./services/lab-args";

export type { LabCommandDeps } from "./deps";

export const UP_HELP = `Usage: cnilab up <stack>

Builds the lab of stacks/Pulumi.<stack>.yaml: its Docker network, the kind cluster, the CNI (ready on
every node), the workloads and the NetworkPolicies. Runs \`pulumi up\` through the Pulumi Automation
API; running it again changes only what differs.

Before anything is created the stack is validated (as \`cnilab plan\` does) and the prerequisites are
checked (as \`cnilab doctor --backend <its backend>\` does): Docker reachable, kind and the Pulumi CLI
present, the kernel features the backend needs. A missing one stops here with the cause and the fix.
kind or Pulumi found nowhere (or too old) is first fetched, pinned and sha256-verified, into the
tools folder, as \`cnilab setup\` does.
So does a collision with another lab: a kind cluster name or node subnet another stack file uses
too, or a kind cluster, Docker network of that name or overlapping subnet on the machine that is not
this stack's (its Docker network carries io.cnilab.project/io.cnilab.stack labels; kind's node
containers sit on it).

State      <state>/${BACKEND_SUBDIR}/, a Pulumi file backend (no account, no login); <state> is
           ${STATE_DIR_HELP}, and CNILAB_STATE moves results and backend together.
           PULUMI_BACKEND_URL, when set, is used instead (Pulumi.yaml names the same default for
           plain \`pulumi\`). Tracked files stay untouched: Pulumi writes its passphrase salt into a
           copy of the stack's settings under <state>/stack-settings/, not into stacks/.
Secrets    encrypted with the passphrase in PULUMI_CONFIG_PASSPHRASE (or the file in
           PULUMI_CONFIG_PASSPHRASE_FILE); default "${DEFAULT_PASSPHRASE}" for the local file backend only
           (a shared backend needs yours). Use the same one for up and down.
Plugins    the kubernetes resource plugin at the version of the installed @pulumi/kubernetes
           (a Docker-only lab: docker, of @pulumi/docker); a missing one is installed first
           (\`pulumi plugin install\`, which needs the network once). The lab's Docker network
           and kind cluster are cnilab's own dynamic resources, run by the docker and kind CLIs.
kind       $CNILAB_KIND, else kind on PATH, /opt/kind/usr/bin/kind or the tools folder (the first at a
           supported version); passed on as CNILAB_KIND. Pulumi: PATH, ~/.pulumi/bin, the tools folder.
Re-runs    a stack that is up but whose kind cluster (or Docker-only lab's containers) was removed
           by hand is refreshed first, so \`up\` builds it again.
Ctrl-C     the first asks Pulumi to cancel cleanly (steps in flight finish and are recorded, the
           lock is released); a second stops at once.
Progress   step, resources done/total and elapsed time: one updating line on a terminal, plain lines
           otherwise.

It ends with \`cnilab verify <stack>\`'s table: every probe of the assertion Jobs, expected against
observed.

A Docker-only stack (docker-bridge, docker-macvlan, docker-ipvlan-l2, docker-ipvlan-l3) builds Docker
networks and containers, no cluster: the checks are Docker, the Pulumi CLI and the driver's kernel
module (macvlan, ipvlan), and the table compares each probe of its assertion containers with what
the driver's facts expect.

Exit status: 0 the lab is up and behaves as expected; 1 \`pulumi up\` failed (what was created stays:
fix and re-run, or \`cnilab down <stack>\`), or a probe did not behave as expected; 2 bad usage,
invalid stack, a collision with another lab, or a missing prerequisite (also a plugin that could not
be installed); 130 cancelled with Ctrl-C.

Examples
  cnilab up flannel-vxlan
  cnilab up docker-macvlan
`;

export async function runUp(argv: string[], io: Io, deps: LabCommandDeps = defaultDeps(io)): Promise<number> {
  const { ref } = parseLabArgs("up", argv, io, deps.root);
  return bringUp(ref, io, deps);
}

export const upCommand: Command = {
  name: "up",
  summary: "build a lab stack (kind cluster, CNI, workloads, policies) with progress",
  help: UP_HELP,
  run: (argv, io) => runUp(argv, io),
};
