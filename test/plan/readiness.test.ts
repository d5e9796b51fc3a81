import { describe, expect, it } from "vitest";
import { BACKEND_FACTS } from "../../backends";
import { planLab } from "../../plan";
import { explainReadinessPod, NOT_READY_ANNOTATION, READINESS_START_SECONDS, READINESS_STEP_START_SECONDS } from "../../plan/readiness";
import { clusterStackNames, loadStack } from "../helpers/stacks";

interface Container {
  name: string;
  image: string;
  command?: string[];
}

/** The readiness Job of a stack's plan, read as the cluster would: its pod's containers in run order. */
async function readinessJob(stack: string) {
  const plan = planLab(await loadStack(stack));
  const job = plan.readiness.find((o) => o.kind === "Job") as unknown as {
    metadata: { annotations: Record<string, string> };
    spec: { activeDeadlineSeconds: number; template: { metadata: { annotations?: Record<string, string> }; spec: { initContainers?: Container[]; containers: Container[] } } };
  };
  const pod = job.spec.template.spec;
  return { plan, job, steps: [...(pod.initContainers ?? []), ...pod.containers] };
}

/** Every `--timeout=Ns` the step containers pass to kubectl, wherever it appears in their commands. */
function timeouts(steps: readonly Container[]): number[] {
  return steps.flatMap((s) => [...JSON.stringify(s.command).matchAll(/--timeout=(\d+)s/g)].map((m) => Number(m[1])));
}

describe.each(clusterStackNames())("readiness Job of stack %s", (stack) => {
  it("waits for the nodes, then each CNI DaemonSet, then calico's TigeraStatus created and Available, one kubectl per container", async () => {
    const { plan, steps } = await readinessJob(stack);
    const expected = [
      ["wait", "--for=condition=Ready", "nodes", "--all"],
      ...plan.cni.readiness.daemonSets.map((d) => ["-n", d.namespace, "rollout", "status", `ds/${d.name}`]),
      // The operator creates tigerastatus/calico asynchronously: created first, then Available
      // (`kubectl wait --for=condition` fails at once on a missing object).
      ...(BACKEND_FACTS[plan.backend.name].family === "calico"
        ? [
            ["wait", "--for=create", "tigerastatus/calico"],
            ["wait", "--for=condition=Available", "tigerastatus/calico"],
          ]
        : []),
    ];
    expect(steps.map((s) => s.command!.slice(1, -1))).toEqual(expected);
    for (const s of steps) expect(s.command![0]).toBe("/bin/kubectl");
    expect(new Set(steps.map((s) => s.name)).size).toBe(steps.length);
    for (const s of steps) expect(s.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it("its step timeouts and start-up fit the Job's deadline, and Pulumi waits longer than the deadline", async () => {
    const { job, steps } = await readinessJob(stack);
    const waits = timeouts(steps);
    expect(waits).toHaveLength(steps.length);
    for (const t of waits) expect(t).toBeGreaterThanOrEqual(60);
    const worstCase = READINESS_START_SECONDS + waits.reduce((a, t) => a + t + READINESS_STEP_START_SECONDS, 0);
    expect(worstCase).toBeLessThanOrEqual(job.spec.activeDeadlineSeconds);
    expect(Number(job.metadata.annotations["pulumi.com/timeoutSeconds"])).toBeGreaterThan(job.spec.activeDeadlineSeconds);
  });

  it("says for every step what did not become ready and where to look", async () => {
    const { steps, job } = await readinessJob(stack);
    const text = job.spec.template.metadata.annotations?.[NOT_READY_ANNOTATION] ?? "";
    const lines = text.split("\n");
    expect(lines).toHaveLength(steps.length);
    steps.forEach((s, i) => expect(lines[i]).toMatch(new RegExp(`^${s.name}: NOT READY: .+ within \\d+s\\. Look: .*kubectl .+`)));
  });
});

describe("where a readiness pod stopped", () => {
  const annotations = { [NOT_READY_ANNOTATION]: "nodes-ready: NOT READY: every node to be Ready within 200s. Look: kubectl describe nodes\ntigerastatus-calico: NOT READY: tigerastatus/calico Available within 200s. Look: kubectl get tigerastatus" };
  const done = { terminated: { exitCode: 0 } };

  it("the step the deadline cut short: the first that had not finished", () => {
    const pod = {
      metadata: { annotations },
      status: { initContainerStatuses: [{ name: "nodes-ready", state: done }], containerStatuses: [{ name: "tigerastatus-calico", state: { running: {} } }] },
    };
    expect(explainReadinessPod(pod)).toEqual([
      "step tigerastatus-calico: NOT READY: tigerastatus/calico Available within 200s. Look: kubectl get tigerastatus",
      "the step was still running when the Job's deadline passed",
    ]);
  });

  it("a step whose image could not be pulled, and a pod whose every step succeeded", () => {
    const waiting = { initContainerStatuses: [{ name: "nodes-ready", state: { waiting: { reason: "ImagePullBackOff" } } }], containerStatuses: [{ name: "tigerastatus-calico", state: { waiting: { reason: "PodInitializing" } } }] };
    expect(explainReadinessPod({ metadata: { annotations }, status: waiting })).toEqual([
      "step nodes-ready: NOT READY: every node to be Ready within 200s. Look: kubectl describe nodes",
      "the step was waiting (ImagePullBackOff)",
    ]);
    const ok = { initContainerStatuses: [{ name: "nodes-ready", state: done }], containerStatuses: [{ name: "tigerastatus-calico", state: done }] };
    expect(explainReadinessPod({ metadata: { annotations }, status: ok })).toEqual([]);
  });
});
