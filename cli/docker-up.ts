/**
 * `cnilab up` for a Docker-only stack: Docker, Pulumi and the driver's kernel module are checked (no
 * kind), and the lab's `results` output is the expected-against-observed table it ends with.
 */
import type { DockerSpec } from "../docker";
import type { Io } from "./command";
import { dockerResourceCount, planDocker } from "./docker-plan";
import { RESULTS_OUTPUT, showDockerResults } from "./docker-report";
import { preflightDockerUp } from "../host/preflight";
import { dockerLink } from "./services/checks";
import type { StackRef } from "./stack-arg";
import type { UpTarget } from "./services/deploy";
import { pluginsFor } from "../host/pulumi-plugins";
import type { Host } from "../host/host";
import { overlayEvidence } from "./docker-overlay";

export function dockerUp(ref: StackRef, spec: DockerSpec, io: Io, host: Host): UpTarget {
  const plan = planDocker(spec);
  const client = plan.containers.find((c) => c.role === "client");
  return {
    preflight: (host, say) => preflightDockerUp(host, dockerLink(spec.stack.dockerDriver, spec.stack.stackName), say),
    resources: dockerResourceCount(plan),
    plugins: pluginsFor("docker"),
    // A container removed by hand stays "unchanged" in Pulumi's eyes until a refresh notices.
    gone: async (host) => {
      const gone: string[] = [];
      for (const c of plan.containers) {
        const r = await host.run("docker", ["container", "inspect", c.name, "--format", "{{json .Config.Labels}}"], 60_000);
        if (r.code !== 0) gone.push(`Docker container ${c.name}`);
      }
      return gone;
    },
    hints: [
      `docker: docker ps -a --filter name=${plan.name}-`,
      ...(client ? [`an assertion container's probe results: docker logs ${client.name}`] : []),
    ],
    reportOutput: RESULTS_OUTPUT,
    verify: async (outputs) => {
      // The overlay lab also shows what Docker built for it (VNI, VXLAN device, MTU).
      for (const line of plan.swarm ? await overlayEvidence(host, plan) : []) io.stdout(`${line}\n`);
      return showDockerResults(ref.name, outputs, io, false);
    },
  };
}
