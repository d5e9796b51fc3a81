import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../backends";
import { planAssertionJob } from "../../assertions/jobs";
import { planLab } from "../../plan";
import { schemaErrors } from "../helpers/k8s-schema";
import { clusterStackNames, loadStack } from "../helpers/stacks";

describe.each(clusterStackNames())("Kubernetes objects of stack %s", (name) => {
  it("all validate against the Kubernetes schema", async () => {
    const plan = planLab(await loadStack(name));
    // The assertion Jobs too: a check's pod adds containers and volumes beside the probe.
    const jobs = plan.assertions.clients.map((c) => planAssertionJob(c, 1, "/* probe */", "0", plan.imageMap).job as K8sObject);
    const objects = [...plan.cni.objects, ...plan.readiness, ...plan.namespaces, ...plan.workloads, ...plan.policies, ...plan.healthObjects, ...jobs];
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });
});

describe("the schema check itself", () => {
  it("catches a wrong type deep in an object", () => {
    const bad: K8sObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two", selector: {}, template: {} } };
    expect(schemaErrors(bad).join("\n")).toMatch(/Deployment\/x\/spec\/replicas: must be integer/);
  });
});
