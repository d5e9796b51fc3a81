import type { AssertionsOutput } from "../plan/outputs";
import type { Io } from "./command";
import type { InterruptOptions } from "./interrupt";
import type { JobLogs } from "./job-logs";
import type { LabWorkspaceOptions } from "./pulumi";
import { systemHost, type Host } from "../host/host";
import { PROJECT_ROOT } from "./stack-arg";

/** What `up` and `down` run against; tests replace the machine and the project. */
export interface LabCommandDeps {
  host: Host;
  /** The project root (Pulumi.yaml, stacks/, .cnilab/). */
  root: string;
  /** Redraw progress on one line. */
  tty: boolean;
  now?: () => number;
  /** Reads the assertion Jobs' logs; tests replace the cluster. */
  readLogs?: (kubeconfig: string, jobs: AssertionsOutput["jobs"]) => Promise<JobLogs>;
  /** Where Ctrl-C comes from and how the second one exits; tests replace the process. */
  interrupt?: Pick<InterruptOptions, "exit" | "signals">;
}

export function defaultDeps(io: Io): LabCommandDeps {
  return { host: systemHost(io.env, io.cwd), root: PROJECT_ROOT, tty: process.stdout.isTTY === true && io.env.TERM !== "dumb" };
}

/** The Pulumi workspace of a lab stack, with the tools the preflight located. */
export function labWorkspace(stackName: string, deps: LabCommandDeps, tools: { pulumiPath?: string; kindPath?: string }): LabWorkspaceOptions {
  return { root: deps.root, stackName, env: deps.host.env, cwd: deps.host.cwd, pulumiPath: tools.pulumiPath!, kindPath: tools.kindPath };
}
