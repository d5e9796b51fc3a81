import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clientProbePlan, resolveProbes, type AssertionPlan, type ClusterFacts, type ResolvedProbe } from "../../assertions";
import type { SkippedProbe } from "../../verdict/types";
import { contentHash } from "../../assertions/hash";
import { planAssertionJob } from "../../assertions/jobs";
import { assertionJobResources, LAB_TYPES, resolverResources } from "../../plan/resources";
import type { K8sObject } from "../../backends";
import type { KindNode } from "../cluster";
import { registerObject, registerObjects, registerPlanned } from "../k8s/objects";
import type { ImageMap } from "../../pins/image-map";
import type { AssertionsOutput } from "../../plan/outputs";

export interface AssertionsArgs {
  plan: AssertionPlan;
  /** The health suite's namespace, echo servers and Services (assertions/health.ts). */
  healthObjects: readonly K8sObject[];
  nodes: pulumi.Input<KindNode[]>;
  /** The bundled probe program (probe/bundle.ts). */
  probeBundle: string;
  /** Most pods any probed workload runs: bounds how many probes a Job may get once pods are counted. */
  maxReplicas: number;
  /** What must exist before probing: the lab's workloads and policies. */
  after: pulumi.Resource[];
  /** The lab's own Services' ClusterIPs ("namespace/service" → IP), for the ClusterIP probes of its checks. */
  labServiceIps: pulumi.Input<Record<string, string>>;
  /** The stack's `cnilab:imageMap`: the Jobs run the mapped probe image. */
  imageMap: ImageMap;
}

/**
 * The Jobs have fixed names. A replacement the engine is told to make (`pulumi up --replace`, which
 * `cnilab migrate` asks for to run the probes again) is create-before-delete unless the resource says
 * otherwise: the new Job took the old one's name and deleting the old one then removed it, so after an
 * update that reported every Job replaced none existed (seen on a real cluster, local/ harness).
 */
const FIXED_NAME = { deleteBeforeReplace: true } as const;

/**
 * The assertion Jobs: the health suite's servers, the resolver Job that writes the pods' addresses
 * (each probed Service's ready endpoints) into every client namespace, then one Job per source
 * identity whose probe plan holds the ClusterIPs and node IPs Pulumi knows and names pods as
 * endpoints. Nothing here reads the cluster, so a preview does not touch it. Pulumi waits for every
 * Job to complete, within a bound.
 */
export class Assertions extends pulumi.ComponentResource {
  readonly result: pulumi.Output<AssertionsOutput>;

  constructor(name: string, args: AssertionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(LAB_TYPES.assertions, name, {}, opts);
    const child = { parent: this };
    const namespaces = args.healthObjects.filter((o) => o.kind === "Namespace");
    const nsResources = registerObjects(name, namespaces, child);
    const healthResources = args.healthObjects
      .filter((o) => o.kind !== "Namespace")
      .map((o) => ({ obj: o, res: registerObject(name, o, { ...child, dependsOn: nsResources }) }));
    const ready = [...healthResources.map((h) => h.res), ...args.after];

    // The resolver runs once the probed pods exist; it waits for their endpoints itself.
    const resolver = resolverResources(name, { assertions: args.plan, imageMap: args.imageMap }, args.probeBundle);
    const access = resolver.filter((r) => r.object.kind !== "Job").map((r) => registerPlanned(r, { ...child, dependsOn: nsResources }));
    // The Job names its ServiceAccount and ConfigMap by string, and must see every probed pod.
    const resolverJob = registerPlanned(resolver.find((r) => r.object.kind === "Job")!, { ...child, ...FIXED_NAME, dependsOn: [...access, ...ready] });

    const serviceIps = healthResources
      .filter((h) => h.obj.kind === "Service")
      .map((h) => (h.res as k8s.core.v1.Service).spec.clusterIP.apply((ip) => [`${h.obj.metadata.namespace}/${h.obj.metadata.name}`, ip] as const));
    const facts: pulumi.Output<ClusterFacts> = pulumi.all([pulumi.all(serviceIps), pulumi.output(args.labServiceIps), pulumi.output(args.nodes)]).apply(([services, lab, nodes]) => ({
      serviceIps: { ...lab, ...Object.fromEntries(services) },
      nodeIps: Object.fromEntries(nodes.map((n) => [n.name, n.internalIP])),
    }));
    const resolved = facts.apply((f) => resolveProbes(args.plan.probes, f));

    const jobs = args.plan.clients.map((client) => {
      const planJson = resolved.apply((r) => JSON.stringify(clientProbePlan(client.name, r.probes), null, 1));
      const ownProbes = args.plan.probes.filter((p) => p.client === client.name).length;
      const hash = planJson.apply(contentHash);
      const objects = hash.apply((h) => planAssertionJob(client, ownProbes * Math.max(1, args.maxReplicas), args.probeBundle, h, args.imageMap));
      const planned = assertionJobResources(name, client);
      const configMap = new k8s.core.v1.ConfigMap(
        planned.configMap.name,
        {
          metadata: objects.configMap.metadata,
          data: pulumi.all([objects.configMap.data, planJson]).apply(([data, plan]) => ({ ...data, "plan.json": plan })),
        },
        { ...child, dependsOn: [...nsResources, ...ready] },
      );
      const job = new k8s.batch.v1.Job(
        planned.job.name,
        // kubernetes-models' types are structurally the API's; the provider's input types differ only in Input<> wrappers.
        { metadata: objects.job.metadata, spec: objects.job.spec as pulumi.Output<k8s.types.input.batch.v1.JobSpec> },
        // The Job mounts its ConfigMap and the resolver's targets by name, and must probe only once the policies are in place.
        { ...child, ...FIXED_NAME, dependsOn: [configMap, resolverJob, ...ready] },
      );
      return { client: client.name, namespace: client.namespace, name: job.metadata.name };
    });

    this.result = pulumi.all([resolved, pulumi.all(jobs.map((j) => pulumi.all([j.client, j.namespace, j.name])))]).apply(([r, js]) => ({
      probes: r.probes,
      skipped: [...args.plan.skipped, ...r.unresolved],
      jobs: js.map(([client, namespace, jobNameValue]) => ({ client, namespace, name: jobNameValue })),
    }));
    this.registerOutputs({ result: this.result });
  }
}
