/**
 * A migration as data: the ordered steps that take a running lab from one CNI backend to another on
 * the same kind cluster, each with what it does, what it removes and why. Pure: `cnilab migrate
 * --dry-run` prints it, the tests compare it, cli/services/migrate-run.ts carries it out.
 */
import { BACKEND_FACTS, type Backend } from "../backends";
import { FLANNEL_OBJECTS, flannelValues, type FlannelVariant } from "../backends/flannel";
import { KIND_UNDERLAY_MTU, podMtu } from "../backends/mtu";
import type { LabPlan } from "../plan";
import { cleanupScript } from "./cleanup";
import { describeLeftover, leftoversOf, type Leftover } from "./leftovers";
import { labResources, type PlannedResource } from "../plan/resources";
import { clusterResources, describeResource, probeJobs, resourceDiff, resourceUrn, withoutCni } from "./resources";
import { migrationRoute, type MigrationRoute } from "./rules";

interface StepText {
  /** What the step does, in one sentence. */
  does: string;
  /** What it removes, one item a line (empty when it removes nothing). */
  removes: string[];
  why: string;
}

export type MigrationStep = StepText &
  (
    | { kind: "verify"; when: "before" | "after" }
    | { kind: "set-backend"; file: string; from: Backend; to: Backend }
    /** A Pulumi update of the stack: `cni` "none" is the lab without its CNI (resources.ts withoutCni). */
    | { kind: "update"; backend: Backend; cni: "installed" | "none"; removed: PlannedResource[]; added: PlannedResource[]; replace: PlannedResource[]; replaceUrns: string[] }
    | { kind: "restart"; namespace: string; daemonSet: string }
    | { kind: "node-cleanup"; leftovers: Leftover[]; script: string }
    | { kind: "recreate-pods" }
  );

export interface MigrationPlan {
  stack: string;
  /** The stack file whose cnilab:backend changes. */
  file: string;
  from: Backend;
  to: Backend;
  route: MigrationRoute;
  /** The kind cluster, kept: its resources are the same before and after (names and types). */
  cluster: string;
  clusterResources: PlannedResource[];
  steps: MigrationStep[];
}

export interface MigrationInput {
  stack: string;
  file: string;
  from: LabPlan;
  to: LabPlan;
  podSubnet: string;
}

/** The plan, or the reason the change cannot be made in place. */
export function planMigration(input: MigrationInput): MigrationPlan | { refused: string } {
  const { from, to } = input;
  const answer = migrationRoute(from.backend.name, to.backend.name, { from: from.kindConfig, to: to.kindConfig });
  if ("refused" in answer) return answer;
  const steps = answer.route === "flannel-backend" ? flannelBackendSteps(input) : replaceCniSteps(input);
  return {
    stack: input.stack,
    file: input.file,
    from: from.backend.name,
    to: to.backend.name,
    route: answer.route,
    cluster: from.kindConfig.name,
    clusterResources: clusterResources(to),
    steps: [verify("before", input), ...steps, verify("after", input)],
  };
}

function verify(when: "before" | "after", input: MigrationInput): MigrationStep {
  const backend = when === "before" ? input.from.backend.name : input.to.backend.name;
  return {
    kind: "verify",
    when,
    does: `cnilab verify ${input.stack} as ${backend}, and each node's devices, routes, pod IPs and MTU recorded${when === "after" ? "; then the table of what changed" : ""}`,
    removes: [],
    why: when === "before" ? "the lab must work before it is changed, or nothing after says what the migration did" : "the probes re-ran against pods that the new CNI addressed",
  };
}

function setBackend(input: MigrationInput): MigrationStep {
  const [a, b] = [input.from.backend.name, input.to.backend.name];
  return { kind: "set-backend", file: input.file, from: a, to: b, does: `${input.file}: cnilab:backend ${a} → ${b}`, removes: [], why: "the stack file stays the one truth: every later up, verify and down reads the new backend" };
}

function update(input: MigrationInput, before: LabPlan, after: LabPlan, cni: "installed" | "none", does: string, why: string, rerun: boolean): MigrationStep {
  const diff = resourceDiff(before, after);
  const replace = rerun ? probeJobs(after) : [];
  const list = labResources(after);
  const replaceUrns = replace.map((r) => resourceUrn(input.stack, list, r));
  return { kind: "update", backend: after.backend.name, cni, removed: diff.removed, added: diff.added, replace, replaceUrns, does, removes: diff.removed.map(describeResource), why };
}

function cleanup(input: MigrationInput, why: string): MigrationStep {
  const leftovers = leftoversOf(input.from.backend.name, input.to.backend.name);
  return {
    kind: "node-cleanup",
    leftovers,
    script: cleanupScript(leftovers, { podSubnet: input.podSubnet }),
    does: `a privileged Job on every node (hostNetwork, hostPID, nsenter into the node) removes exactly what ${input.from.backend.name} leaves on a node (below), each only if it is there`,
    removes: leftovers.map((l) => `${describeLeftover(l, input.podSubnet)} — ${l.why}`),
    why,
  };
}

function recreatePods(why: string): MigrationStep {
  return { kind: "recreate-pods", does: "every pod not on the host network that a controller owns (Deployment, ReplicaSet, ReplicationController, DaemonSet, StatefulSet) is deleted; its controller makes a new one", removes: ["those pods (their controllers recreate them)"], why };
}

/** vxlan ↔ host-gw ↔ DirectRouting: one chart value, a restart, the old device, new pods. */
function flannelBackendSteps(input: MigrationInput): MigrationStep[] {
  const [a, b] = [input.from.backend, input.to.backend];
  const type = (v: Backend) => (flannelValues(v as FlannelVariant, input.podSubnet).flannel as { backend: string }).backend;
  const [mtuA, mtuB] = [podMtu(a.datapath, KIND_UNDERLAY_MTU), podMtu(b.datapath, KIND_UNDERLAY_MTU)];
  const steps: MigrationStep[] = [
    setBackend(input),
    update(
      input,
      input.from,
      input.to,
      "installed",
      `Pulumi update of stack ${input.stack}: the flannel Helm release upgraded with ${b.name}'s values, so ConfigMap ${FLANNEL_OBJECTS.namespace}/${FLANNEL_OBJECTS.configMap} net-conf.json says Backend.Type "${type(b.name)}"${b.name === "flannel-vxlan-directrouting" ? " with DirectRouting" : ""}; cluster ${input.from.kindConfig.name} kept`,
      "the chart renders net-conf.json from its values (chart kube-flannel v0.28.9 templates/config.yaml); the kind config is the same, so the cluster resource has nothing to change",
      false,
    ),
    {
      kind: "restart",
      namespace: FLANNEL_OBJECTS.namespace,
      daemonSet: FLANNEL_OBJECTS.daemonSet,
      does: `rollout restart of DaemonSet ${FLANNEL_OBJECTS.namespace}/${FLANNEL_OBJECTS.daemonSet}, waiting until every node runs the new pod`,
      removes: [`the old flanneld pods (${type(a.name)})`],
      why:
        "flanneld reads net-conf.json only when it starts, and the chart's pod template carries no checksum of the ConfigMap (templates/daemonset.yaml), so the upgrade alone restarts nothing; " +
        "the new flanneld replaces each peer route it finds with its own (pkg/backend/route_network.go routeAdd; vxlan: RouteReplace)",
    },
  ];
  if (leftoversOf(a.name, b.name).length > 0) {
    steps.push(cleanup(input, `${b.title} has no VXLAN device, and nothing deletes flannel.1 when flanneld restarts under another backend (values.yaml: "Backend should not be changed at runtime")`));
  }
  steps.push(
    recreatePods(
      mtuA === mtuB
        ? `a pod keeps what its veth got when it was made; new pods show the new datapath from the start (pod MTU stays ${mtuB})`
        : `a pod keeps the MTU its veth got when it was made (${mtuA}); flanneld now writes FLANNEL_MTU=${mtuB} into subnet.env, which the CNI plugin gives new pods`,
    ),
    update(input, input.to, input.to, "installed", `Pulumi update of stack ${input.stack} replacing the probe Jobs, which run again against the new pods`, "a Job that did not change would keep its old results", true),
  );
  return steps;
}

/** flannel → calico: remove flannel, clean the nodes, new pods wait for calico, install calico. */
function replaceCniSteps(input: MigrationInput): MigrationStep[] {
  const [a, b] = [input.from.backend, input.to.backend];
  const bare = withoutCni(input.from);
  return [
    update(
      input,
      input.from,
      bare,
      "none",
      `Pulumi update of stack ${input.stack} with the CNI left out: Helm uninstalls ${a.title} and Pulumi deletes its objects and the readiness Job; cluster, workloads, policies and probe Jobs unchanged`,
      `two CNIs must never run at once: each writes its own config into /etc/cni/net.d and programs the same pod subnet. The update changes only the CNI, so nothing else runs against a half-removed one`,
      false,
    ),
    cleanup(input, "Helm removes flannel's Kubernetes objects, not what flanneld and its CNI plugin left on each node; while 10-flannel.conflist is there a new pod may still get a flannel address, and cni0, the peer routes and the chains would keep pulling pod traffic"),
    recreatePods(
      `running pods keep their flannel address and veth on cni0, which is gone; new pods wait in ContainerCreating until ${b.title} writes its CNI config, then get an address from its IP pool (${BACKEND_FACTS[b.name].datapath.podAddresses})`,
    ),
    setBackend(input),
    update(
      input,
      bare,
      input.to,
      "installed",
      `Pulumi update of stack ${input.stack}: ${b.title} installed, the readiness Job waits for it, the probe Jobs replaced (run again)`,
      `the lab as ${b.name} declares it; the kind config is the same, so cluster ${input.from.kindConfig.name} is kept`,
      true,
    ),
  ];
}
