/**
 * The order `up` creates things in, as steps, and the rule a real cluster enforces on it: a custom
 * resource (or a `kubectl wait` on one) needs its CRD installed by an earlier step. Helm refuses a
 * release whose manifest names a kind the API server does not know ("no matches for kind ...
 * ensure CRDs are installed first"), and so does every other client. Pure. A test helper: the order
 * is fixed by the components, so a test of every stack's plan is where the rule is checked.
 */
import type { K8sObject } from "../../backends";
import { chartFacts, type CrdRef } from "../../pins/chart-facts";
import { manifestFacts } from "../../pins/manifest-facts";
import { manifestObjectRefs } from "../../plan/manifest";
import type { LabPlan } from "../../plan";

/** API groups Kubernetes itself serves (v1.34); anything else needs a CRD. */
const BUILT_IN_GROUPS = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
]);

/** A kind a step creates or waits on. */
export interface KindUse {
  apiVersion: string;
  kind: string;
  name: string;
  /** "creates" an object, or "waits on" one that something else creates. */
  how: "creates" | "waits on";
}

export interface InstallStep {
  title: string;
  provides: readonly CrdRef[];
  uses: readonly KindUse[];
}

export const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

const created = (objects: readonly K8sObject[]): KindUse[] =>
  objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, how: "creates" }));

/** CustomResourceDefinition objects a step applies itself. */
function definedIn(objects: readonly K8sObject[]): CrdRef[] {
  return objects
    .filter((o) => o.kind === "CustomResourceDefinition")
    .map((o) => {
      const spec = o.spec as { group: string; names: { kind: string } };
      return { group: spec.group, kind: spec.names.kind, name: o.metadata.name };
    });
}

/** The steps in the order components/lab.ts and components/cni register them, each waiting for the last. */
export function installSteps(plan: LabPlan): InstallStep[] {
  const labObjects = [...plan.namespaces, ...plan.workloads, ...plan.policies, ...plan.healthObjects];
  return [
    { title: "CNI objects", provides: definedIn(plan.cni.objects), uses: created(plan.cni.objects) },
    // Registered with the CNI objects, all at once: what a manifest creates must need none of its own CRDs.
    ...(plan.cni.manifests ?? []).map((m) => ({ title: `manifest ${m.pin.name} ${m.pin.version}`, provides: manifestFacts(m.pin).crds, uses: created(manifestObjectRefs(m)) })),
    ...plan.cni.charts.map((h) => {
      const facts = chartFacts(h.chart, h.version);
      return {
        title: `Helm chart ${h.chart} ${h.version}`,
        provides: facts.crds,
        uses: facts.renders(h.values).map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, name: r.name, how: "creates" as const })),
      };
    }),
    {
      title: "readiness Job",
      provides: definedIn(plan.readiness),
      uses: [
        ...created(plan.readiness),
        ...plan.cni.readiness.tigeraStatus.map((name) => ({ apiVersion: "operator.tigera.io/v1", kind: "TigeraStatus", name, how: "waits on" as const })),
      ],
    },
    { title: "lab objects", provides: definedIn(labObjects), uses: created(labObjects) },
  ];
}

/**
 * Every use of a custom resource whose CRD no earlier step installed, as one sentence each. A CRD in the
 * same step does not count: a chart's templates/ are applied together (Helm applies only a chart's
 * crds/ directory first, and no pinned chart has one; see pins/chart-facts.ts).
 */
export function missingCrds(steps: readonly InstallStep[]): string[] {
  const problems: string[] = [];
  const installed: CrdRef[] = [];
  for (const step of steps) {
    for (const use of step.uses) {
      const group = groupOf(use.apiVersion);
      if (BUILT_IN_GROUPS.has(group)) continue;
      if (installed.some((c) => c.group === group && c.kind === use.kind)) continue;
      const sameStep = step.provides.some((c) => c.group === group && c.kind === use.kind);
      problems.push(
        `${step.title} ${use.how} ${use.kind} '${use.name}' (${use.apiVersion}), but ${sameStep ? "its CRD comes in the same step, not before it" : "no earlier step installs its CRD"}`,
      );
    }
    installed.push(...step.provides);
  }
  return problems;
}
