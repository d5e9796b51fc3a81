/**
 * A fake machine for the CLI tests: `pulumi`, `docker` and `kind` stand-ins in a temp bin/ (the only
 * thing on the PATH given to the command), their shared state and call log, and a copy of the
 * project (Pulumi.yaml + stacks/) for `up`/`down` to run in, so nothing is written to the real one.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Host } from "../../../host/host";
import { runProcess } from "../../../host/run";

export const REPO_ROOT = resolve(__dirname, "../../..");
/**
 * The bound of a test that runs up and down against the fakes: each fake tool call is a Node process
 * (a second or more on a loaded machine), and such a test makes a few dozen.
 */
export const LAB_TEST_TIMEOUT_MS = 120_000;
export type FakeTool = "pulumi" | "docker" | "kind" | "kubectl";

export interface FakeConfig {
  pulumiVersion?: string;
  kindVersion?: string;
  docker?: "up" | "down" | "denied" | "hang";
  dockerVersion?: string;
  cgroupVersion?: string;
  rootDir?: string;
  /**
   * What `pulumi up` "creates" (`parents`: the component types above it, outermost first; `outputs`:
   * what the state records of it) and the outputs it sets.
   */
  program?: {
    resources: { type: string; name: string; custom: boolean; parents?: string[]; outputs?: Record<string, unknown>; cluster?: string }[];
    outputs: Record<string, { value: unknown; secret: boolean }>;
  };
  /** What the fake kubectl reports of a cluster that exists: `kubectl get pods|jobs -A -o json` items. */
  cluster?: { pods?: unknown[]; jobs?: unknown[] };
  /** `pulumi up` fails after creating this many resources. */
  failUpAfter?: number;
  /** `pulumi destroy` fails this many times. */
  failDestroyTimes?: number;
  /** `stack init` leaves the stack locked, as a killed `up` does. */
  lockOnInit?: boolean;
  /** What `pulumi plugin ls --json` lists before any install. */
  plugins?: { name: string; kind: string; version: string }[];
  /** `pulumi plugin install` fails as it does without network. */
  offline?: boolean;
  /** `pulumi up` waits for a signal; the first SIGINT cancels it cleanly. */
  hangUp?: boolean;
  /** `pulumi destroy` waits for a signal, as `hangUp` does. */
  hangDestroy?: boolean;
  /** How long the hanging `up` takes to cancel after the first SIGINT (default 700 ms). */
  cancelMs?: number;
  /** What `kind get kubeconfig` prints for an existing cluster (else a marker the fake kubectl reads). */
  kubeconfig?: string;
}

export interface Call {
  tool: FakeTool;
  argv: string[];
  /** A signal the fake pulumi received (a record of its own, without argv). */
  signal?: string;
  /** The hanging `up` handles signals from now on (a record of its own, without argv). */
  waiting?: boolean;
  cwd?: string;
  env?: Record<string, string>;
  settingsFile?: string;
  config?: Record<string, string>;
  /** `up`/`destroy` with `--client`: what the inline program's language runtime answered. */
  inline?: { version: string };
}

export interface FakeMachine {
  dir: string;
  bin: string;
  /** A copy of Pulumi.yaml and stacks/: the project root up/down run in. */
  project: string;
  /** PATH = the fakes only; HOME = the temp dir. */
  env: NodeJS.ProcessEnv;
  configure(config: FakeConfig): void;
  calls(tool?: FakeTool): Call[];
  /** A kind cluster whose node container sits on `network`. */
  addCluster(name: string, network?: string): void;
  addNetwork(name: string, subnet: string, labels?: Record<string, string>): void;
  addContainer(name: string, labels: Record<string, string>): void;
  /** Puts the daemon in swarm mode (a manager unless said otherwise), its node carrying `labels`. */
  joinSwarm(nodeId: string, labels: Record<string, string>, manager?: boolean): void;
  /** The daemon's swarm state: "inactive" or "active". */
  swarmState(): string;
  clusters(): string[];
  networks(): string[];
  containers(): string[];
  /** The tools folder of the fake machine's Host (empty until a test installs into it). */
  toolsDir: string;
  /** A Host on this machine (linux/x64): kernel files below `root`, tools from the fake PATH, ample disk. */
  host(root: string): Host;
  cleanup(): void;
}

export function installFakes(tools: readonly FakeTool[] = ["pulumi", "docker", "kind"]): FakeMachine {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-cli-"));
  const bin = join(dir, "bin");
  const state = join(dir, "state");
  const project = join(dir, "project");
  mkdirSync(bin);
  mkdirSync(state);
  mkdirSync(project);
  cpSync(join(REPO_ROOT, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  cpSync(join(REPO_ROOT, "stacks"), join(project, "stacks"), { recursive: true });
  // The scripts find their state as <bin>/../state, so copies live in bin/.
  for (const script of ["pulumi.js", "tools.js"]) writeFileSync(join(bin, script), readFileSync(join(__dirname, script)));
  for (const tool of tools) {
    const script = tool === "pulumi" ? "pulumi.js" : "tools.js";
    // The very node running the tests; NODE_PATH lets the fake pulumi load yaml and grpc from the project.
    const toolArg = tool === "pulumi" ? "" : ` ${tool}`;
    const wrapper = `#!/bin/sh\nNODE_PATH='${join(REPO_ROOT, "node_modules")}' exec '${process.execPath}' '${join(bin, script)}'${toolArg} "$@"\n`;
    writeFileSync(join(bin, tool), wrapper);
    chmodSync(join(bin, tool), 0o755);
  }
  const configFile = join(state, "config.json");
  const env: NodeJS.ProcessEnv = { PATH: bin, HOME: dir };
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  const names = (sub: string) => (existsSync(join(state, sub)) ? readdirSync(join(state, sub)).map((f) => f.replace(/\.json$/, "")).sort() : []);
  return {
    dir,
    bin,
    project,
    env,
    configure: (config) => writeFileSync(configFile, JSON.stringify({ ...JSON.parse(read(configFile) || "{}"), ...config })),
    calls: (tool) =>
      read(join(state, "calls.jsonl"))
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Call)
        .filter((c) => tool === undefined || c.tool === tool),
    addCluster: (name, network) => {
      mkdirSync(join(state, "clusters"), { recursive: true });
      writeFileSync(join(state, "clusters", name), network ? JSON.stringify({ network }) : "");
    },
    addNetwork: (name, subnet, labels = {}) => {
      mkdirSync(join(state, "networks"), { recursive: true });
      writeFileSync(join(state, "networks", `${name}.json`), JSON.stringify({ subnet, gateway: subnet.replace(/0\/\d+$/, "1"), labels }));
    },
    addContainer: (name, labels) => {
      mkdirSync(join(state, "containers"), { recursive: true });
      writeFileSync(join(state, "containers", `${name}.json`), JSON.stringify({ labels }));
    },
    joinSwarm: (nodeId, labels, manager = true) =>
      writeFileSync(join(state, "swarm.json"), JSON.stringify({ NodeID: nodeId, LocalNodeState: "active", ControlAvailable: manager, labels })),
    swarmState: () => (existsSync(join(state, "swarm.json")) ? "active" : "inactive"),
    clusters: () => names("clusters"),
    networks: () => names("networks"),
    containers: () => names("containers"),
    toolsDir: join(dir, "tools"),
    host: (root) => ({
      root,
      env,
      cwd: dir,
      os: { platform: "linux", arch: "x64" },
      tools: { dir: join(dir, "tools") },
      // Capped so a hanging fake answers as a timeout within the test's time.
      run: (file, args, timeoutMs, extraEnv) => runProcess(file, args, { ...env, ...extraEnv }, Math.min(timeoutMs, 3000)),
      statfs: async () => ({ freeBytes: 100 * 2 ** 30, totalBytes: 200 * 2 ** 30 }),
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
