import type { AssertionsOutput } from "../components/assertions";
import type { Io } from "./command";
import type { InterruptOptions } from "./interrupt";
import type { JobLogs } from "./job-logs";
import { systemHost, type Host } from "./doctor-host";
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
