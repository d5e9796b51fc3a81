/**
 * Asks a real `kind` binary whether it accepts a cluster config, without making a cluster.
 *
 * kind (v0.27, pkg/cluster/internal/create/create.go) decodes the config strictly (an unknown
 * field is an error naming its line), validates it, logs `Creating cluster` and only then starts
 * provisioning with " • Ensuring node image". So reaching that line means "accepted"; exiting
 * before it means "refused". We stop kind as soon as the line appears: here no image can be
 * pulled anyway, and on a machine that has the image kind would otherwise go on to make nodes.
 * Whatever happened, the cluster and its Docker network are deleted afterwards.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** Where .ci/install-kind.sh puts kind 0.27.0 from Debian trixie. */
export const INSTALLED_KIND = "/opt/kind/usr/bin/kind";
const ACCEPTED_MARKER = "Ensuring node image";
const TIMEOUT_MS = 60_000;

export interface KindVerdict {
  accepted: boolean;
  /** Everything kind printed (it logs to stderr), for the refusal's reason. */
  output: string;
}

/** $CNILAB_KIND, then the install script's path, then `kind` on PATH. */
export function findKind(): string | undefined {
  const candidates = [
    process.env.CNILAB_KIND,
    INSTALLED_KIND,
    ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "kind")),
  ];
  return candidates.find((file) => {
    if (!file) return false;
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function docker(args: string[], timeoutMs = 20_000): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("docker", args, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout: stdout ?? "", stderr: stderr ?? (err ? String(err) : "") }),
    );
  });
}

/** Whether a Docker daemon answers (kind lists containers before it validates the config). */
export function dockerdReachable(): boolean {
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: 10_000, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let counter = 0;

export async function kindAcceptsConfig(configYaml: string): Promise<KindVerdict> {
  const kind = findKind();
  if (!kind) throw new Error(`no kind binary: run .ci/install-kind.sh (installs ${INSTALLED_KIND}) or set CNILAB_KIND`);
  if (!dockerdReachable()) throw new Error("no Docker daemon answers `docker info`: start dockerd first");
  const name = `cnilab-accept-${process.pid}-${++counter}`;
  const dir = mkdtempSync(join(tmpdir(), "cnilab-accept-"));
  const configFile = join(dir, "kind-config.yaml");
  writeFileSync(configFile, configYaml);
  // A network of the probe's own: should kind get as far as making one, we know what to remove.
  const env = { ...process.env, KIND_EXPERIMENTAL_DOCKER_NETWORK: name };
  try {
    return await runUntilVerdict(kind, ["create", "cluster", "--name", name, "--config", configFile], env);
  } finally {
    await cleanUp(kind, name, env);
    rmSync(dir, { recursive: true, force: true });
  }
}

function runUntilVerdict(kind: string, args: string[], env: NodeJS.ProcessEnv): Promise<KindVerdict> {
  return new Promise((resolve, reject) => {
    // Its own process group, so stopping it also stops the `docker pull` it started.
    const child = spawn(kind, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes(ACCEPTED_MARKER)) stop(child);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${kind}: ${err.message}`));
    });
    // Decide only once kind is gone, so the clean-up cannot race a Docker call still in flight.
    child.on("close", (code) => {
      clearTimeout(timer);
      if (output.includes(ACCEPTED_MARKER)) resolve({ accepted: true, output });
      else if (timedOut) reject(new Error(`kind neither accepted nor refused the config within ${TIMEOUT_MS / 1000} s:\n${output}`));
      else if (code === 0) reject(new Error(`kind exited 0 without provisioning anything:\n${output}`));
      else resolve({ accepted: false, output });
    });
  });
}

function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone between the check and the kill.
  }
}

async function cleanUp(kind: string, name: string, env: NodeJS.ProcessEnv): Promise<void> {
  await new Promise<void>((resolve) => {
    execFile(kind, ["delete", "cluster", "--name", name], { env, timeout: 60_000 }, () => resolve());
  });
  const leftover = await docker(["network", "ls", "--filter", `name=^${name}$`, "--format", "{{.Name}}"]);
  if (leftover.stdout.trim() === name) await docker(["network", "rm", name]);
}
