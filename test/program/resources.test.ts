/**
 * The resource list of one stack written out by hand, against what the Pulumi program registers
 * under mocks: kindnet with one scenario, deny-nginx (labs/netpol.yaml). Each line follows from the
 * lab file and the components, not from plan/resources.ts; `plan` and `up` count the same list.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { plannedResourceCount } from "../../cli/services/plan-counts";
import { createdResources, labResources } from "../../plan/resources";
import { planLab } from "../../plan";
import { asPlanned, byName, runLabStack, type StackRun } from "./run-stack";

const T = {
  sa: "kubernetes:core/v1:ServiceAccount",
  role: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  binding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  job: "kubernetes:batch/v1:Job",
  ns: "kubernetes:core/v1:Namespace",
  rc: "kubernetes:core/v1:ReplicationController",
  svc: "kubernetes:core/v1:Service",
  deploy: "kubernetes:apps/v1:Deployment",
  cm: "kubernetes:core/v1:ConfigMap",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

const row = (type: string, name: string, parent: string) => ({ name, type, parent });

const EXPECTED = [
  row("cnilab:lab:Lab", "lab", ""),
  // The kind cluster on its own Docker network; the provider from its kubeconfig.
  row("cnilab:cluster:KindCluster", "lab-cluster", "lab"),
  row("pulumi-nodejs:dynamic/cnilab:DockerNetwork", "lab-cluster-network", "lab-cluster"),
  row("pulumi-nodejs:dynamic/cnilab:KindCluster", "lab-cluster-kind", "lab-cluster"),
  row("pulumi:providers:kubernetes", "lab-k8s", "lab"),
  // kindnet comes with kind: no prerequisites, no chart; only the readiness Job and its RBAC.
  row("cnilab:cni:Cni", "lab-cni", "lab"),
  row(T.sa, "lab-cni-serviceaccount-kube-system-cnilab-cni-ready", "lab-cni"),
  row(T.role, "lab-cni-clusterrole-cnilab-cni-ready", "lab-cni"),
  row(T.binding, "lab-cni-clusterrolebinding-cnilab-cni-ready", "lab-cni"),
  row(T.job, "lab-cni-job-kube-system-cnilab-cni-ready", "lab-cni"),
  // The lab's namespaces prod and dev; frontend (a ReplicationController), nginx, myapp and web with a Service each.
  row("cnilab:workloads:Workloads", "lab-workloads", "lab"),
  row(T.ns, "lab-workloads-namespace-prod", "lab-workloads"),
  row(T.ns, "lab-workloads-namespace-dev", "lab-workloads"),
  row(T.rc, "lab-workloads-replicationcontroller-default-frontend", "lab-workloads"),
  row(T.svc, "lab-workloads-service-default-frontend", "lab-workloads"),
  row(T.deploy, "lab-workloads-deployment-default-nginx", "lab-workloads"),
  row(T.svc, "lab-workloads-service-default-nginx", "lab-workloads"),
  row(T.deploy, "lab-workloads-deployment-default-myapp", "lab-workloads"),
  row(T.svc, "lab-workloads-service-default-myapp", "lab-workloads"),
  row(T.deploy, "lab-workloads-deployment-default-web", "lab-workloads"),
  row(T.svc, "lab-workloads-service-default-web", "lab-workloads"),
  // The one scenario's one policy.
  row("cnilab:policy:Policies", "lab-policies", "lab"),
  row(T.netpol, "lab-policies-networkpolicy-default-deny-nginx", "lab-policies"),
  // The health suite's namespace, echo servers and Services; the targets' resolver; a ConfigMap and
  // a Job per source identity: the health client, and deny-nginx's clients demo and other.
  row("cnilab:assertions:Assertions", "lab-assertions", "lab"),
  row(T.ns, "lab-assertions-namespace-cnilab-health", "lab-assertions"),
  row(T.deploy, "lab-assertions-deployment-cnilab-health-echo-same-node", "lab-assertions"),
  row(T.svc, "lab-assertions-service-cnilab-health-echo-same-node", "lab-assertions"),
  row(T.deploy, "lab-assertions-deployment-cnilab-health-echo-other-node", "lab-assertions"),
  row(T.svc, "lab-assertions-service-cnilab-health-echo-other-node", "lab-assertions"),
  row(T.svc, "lab-assertions-service-cnilab-health-echo-nodeport", "lab-assertions"),
  row(T.sa, "lab-assertions-serviceaccount-cnilab-health-cnilab-targets", "lab-assertions"),
  row(T.role, "lab-assertions-clusterrole-cnilab-targets", "lab-assertions"),
  row(T.binding, "lab-assertions-clusterrolebinding-cnilab-targets", "lab-assertions"),
  row(T.cm, "lab-assertions-configmap-cnilab-health-cnilab-targets", "lab-assertions"),
  row(T.job, "lab-assertions-job-cnilab-health-cnilab-targets", "lab-assertions"),
  row(T.cm, "lab-assertions-configmap-cnilab-health-cnilab-probe-health-client", "lab-assertions"),
  row(T.job, "lab-assertions-job-cnilab-health-cnilab-probe-health-client", "lab-assertions"),
  row(T.cm, "lab-assertions-configmap-default-cnilab-probe-demo", "lab-assertions"),
  row(T.job, "lab-assertions-job-default-cnilab-probe-demo", "lab-assertions"),
  row(T.cm, "lab-assertions-configmap-default-cnilab-probe-other", "lab-assertions"),
  row(T.job, "lab-assertions-job-default-cnilab-probe-other", "lab-assertions"),
];

let run: StackRun;
beforeAll(async () => {
  run = await runLabStack("kindnet", { scenarios: ["deny-nginx"] });
}, 60_000);

describe("kindnet with deny-nginx alone", () => {
  it("registers exactly the resources written out here", () => {
    expect(asPlanned(run.recorded).sort(byName)).toEqual([...EXPECTED].sort(byName));
  });

  it("the pure list is the same, in registration order per component", () => {
    expect(labResources(planLab(run.spec))).toEqual(EXPECTED);
  });

  it("plan and up count what the engine creates: all but the six components and the provider", () => {
    expect(createdResources(EXPECTED)).toHaveLength(EXPECTED.length - 7);
    expect(plannedResourceCount(planLab(run.spec))).toBe(EXPECTED.length - 7);
  });
});
