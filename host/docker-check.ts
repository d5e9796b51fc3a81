/**
 * Docker: is the daemon reachable, and which cgroup version does it run containers under (kind's
 * node images for Kubernetes ≥ 1.35 need cgroup v2).
 */
import { hostPathExists } from "./machine";
import { compareVersions, fail, parseVersion, pass, warn, type Check } from "./check";
import { hostOs, which, type Host } from "./host";

/** What `docker info` told us, for the checks that follow (cgroups, free disk on the data root). */
export interface DockerInfo {
  serverVersion: string;
  /** "1" or "2" (Docker ≥ 20.10 reports it). */
  cgroupVersion?: string;
  /** Where images and the kind nodes' /var volumes live (`docker info` DockerRootDir). */
  rootDir?: string;
  /** The daemon's machine, and so every kind node's (`docker info` Architecture: x86_64, aarch64). */
  architecture?: string;
}

export interface DockerFindings {
  check: Check;
  info?: DockerInfo;
}

const INFO_TIMEOUT_MS = 20_000;
/** The oldest Docker Engine the README lists: cgroup v2 support and `CgroupVersion` in `docker info` arrived in 20.10. */
const MIN_DOCKER: [number, number, number] = [20, 10, 0];
const DEFAULT_SOCKET = "/var/run/docker.sock";
/** Kubernetes 1.35 node images drop cgroup v1 (kind v0.31.0/v0.32.0 release notes; provisioning.md §1.6). */
const CGROUP_V2_FROM_MINOR = 35;

/**
 * Docker stays the user's to install; the fix names what fits the OS: Docker Engine on Linux, Docker
 * Desktop or colima (a Linux VM running Docker Engine) on macOS.
 */
const INSTALL: Readonly<Record<string, string>> = {
  linux: "install Docker Engine 20.10 or later (https://docs.docker.com/engine/install/; Debian/Ubuntu: sudo apt-get install docker.io) and start it: sudo systemctl enable --now docker",
  darwin: "install Docker Desktop (https://docs.docker.com/desktop/setup/install/mac-install/) and start it, or colima: brew install colima docker && colima start --cpu 4 --memory 8",
};
const START: Readonly<Record<string, string>> = {
  linux: "start it: sudo systemctl start docker (without systemd: sudo dockerd &)",
  darwin: "start Docker Desktop, or colima: colima start",
};
const forOs = (host: Host, fixes: Readonly<Record<string, string>>) => fixes[hostOs(host).platform] ?? `${fixes.linux} (on macOS: ${fixes.darwin})`;

export async function checkDocker(host: Host): Promise<DockerFindings> {
  const docker = which(host, "docker");
  if (!docker) return { check: fail("docker", "the docker CLI is not on PATH", forOs(host, INSTALL)) };
  const endpoint = host.env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
  const result = await host.run(docker, ["info", "--format", "{{json .}}"], INFO_TIMEOUT_MS);
  if (result.failure === "timeout") {
    return { check: fail("docker", `\`docker info\` did not answer within ${INFO_TIMEOUT_MS / 1000} s (${endpoint})`, "check the daemon: sudo systemctl status docker") };
  }
  const info = result.code === 0 ? parseInfo(result.stdout) : undefined;
  if (!info) return { check: unreachable(host, endpoint, result.stderr || result.stdout) };
  const version = parseVersion(info.serverVersion);
  const where = `${endpoint}${info.rootDir ? `, data root ${info.rootDir}` : ""}`;
  if (version && compareVersions(version, MIN_DOCKER) < 0) {
    return {
      info,
      check: warn("docker", `Docker ${info.serverVersion} is reachable (${where}) but older than 20.10`, "upgrade Docker Engine to 20.10 or later"),
    };
  }
  return { info, check: pass("docker", `Docker ${info.serverVersion} is reachable (${where})`) };
}

function parseInfo(stdout: string): DockerInfo | undefined {
  try {
    const raw = JSON.parse(stdout) as { ServerVersion?: string; CgroupVersion?: string; DockerRootDir?: string; Architecture?: string };
    // With the daemon down, newer clients still print the JSON document, with empty server fields.
    if (!raw.ServerVersion) return undefined;
    return {
      serverVersion: raw.ServerVersion,
      cgroupVersion: raw.CgroupVersion || undefined,
      rootDir: raw.DockerRootDir || undefined,
      architecture: raw.Architecture || undefined,
    };
  } catch {
    return undefined;
  }
}

function unreachable(host: Host, endpoint: string, said: string): Check {
  const firstLine = said.trim().split("\n").find((l) => l.trim() !== "") ?? "no output";
  if (/permission denied/i.test(said)) {
    return fail(
      "docker",
      `cannot reach the Docker daemon at ${endpoint}: permission denied`,
      'add yourself to the docker group: sudo usermod -aG docker "$USER", then log in again (or run as root)',
    );
  }
  const socketNote = !host.env.DOCKER_HOST && !hostPathExists(host, DEFAULT_SOCKET) ? ` (no socket at ${DEFAULT_SOCKET})` : "";
  return fail(
    "docker",
    `cannot reach the Docker daemon at ${endpoint}${socketNote}: ${firstLine}`,
    forOs(host, START),
  );
}

/**
 * The cgroup version containers get: Docker's own answer when it is reachable, else the host's
 * (cgroup v2 mounts /sys/fs/cgroup/cgroup.controllers).
 */
export function checkCgroup(host: Host, info: DockerInfo | undefined, kubernetesMinor: number): Check {
  let version = info?.cgroupVersion;
  let source = "Docker's CgroupVersion";
  if (!version) {
    if (!hostPathExists(host, "/sys/fs/cgroup")) {
      return warn("docker-cgroup", "cannot tell the cgroup version: Docker is not reachable and /sys/fs/cgroup is missing", "re-run once Docker is running");
    }
    version = hostPathExists(host, "/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";
    source = "the host's /sys/fs/cgroup, Docker not reachable";
  }
  if (version === "2") return pass("docker-cgroup", `cgroup v2 (${source})`);
  const image = `Kubernetes v1.${kubernetesMinor} node image`;
  const fix =
    hostOs(host).platform === "darwin"
      ? "the cgroup version is that of Docker's Linux VM: update Docker Desktop or colima to a release whose VM runs cgroup v2"
      : "boot the host with cgroup v2 (systemd.unified_cgroup_hierarchy=1 on the kernel command line)";
  if (kubernetesMinor >= CGROUP_V2_FROM_MINOR) {
    return fail("docker-cgroup", `cgroup v1 (${source}): the ${image} needs cgroup v2 (node images for Kubernetes ≥ 1.${CGROUP_V2_FROM_MINOR} dropped v1)`, fix);
  }
  return warn(
    "docker-cgroup",
    `cgroup v1 (${source}): works with the ${image}, but node images for Kubernetes ≥ 1.${CGROUP_V2_FROM_MINOR} need cgroup v2`,
    `before moving to a newer node image, ${fix}`,
  );
}
