import { dockerLabProgram, Lab, LAB_NAME } from "./components";
import { isDockerLab, loadDockerSpec } from "./docker";
import { loadSpec } from "./labs";
import { writeRegistryHosts } from "./host/registry-hosts";
import { planLab } from "./plan";
import { bundleProbe } from "./probe/bundle";

/**
 * The Pulumi program for one stack: raw `cnilab:` settings → validated spec → pure plan → Lab, or
 * the Docker-only lab when the stack's lab file says `type: docker`. Returns the stack outputs.
 * index.ts calls it with the stack's configuration; tests call it directly.
 */
export async function stackProgram(raw: Record<string, unknown>, source: string) {
  if (typeof raw.lab === "string" && isDockerLab(raw.lab)) return dockerLabProgram(loadDockerSpec(raw, source));
  return labProgram(raw, source);
}

/** A kind lab: cluster, CNI, workloads, policies, assertion Jobs. */
export async function labProgram(raw: Record<string, unknown>, source: string) {
  const spec = await loadSpec(raw, source);
  const plan = planLab(spec);
  // Before the cluster resource exists: kind mounts this directory into every node it creates.
  if (plan.registryMirrors) writeRegistryHosts(plan.registryMirrors);
  // States written before LAB_NAME named the Lab after the cluster.
  const lab = new Lab(LAB_NAME, { plan, probeBundle: bundleProbe(), formerName: spec.stack.clusterName });
  return {
    backend: spec.stack.backend,
    clusterName: spec.stack.clusterName,
    kubeconfig: lab.kubeconfig,
    nodes: lab.nodes,
    kindConfig: plan.kindConfigYaml,
    assertions: lab.assertions,
  };
}
