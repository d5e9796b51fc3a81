/**
 * The node architecture a backend needs: kind's nodes are containers of the Docker daemon's own
 * architecture (`docker info` Architecture, the kernel's machine name), so a backend built for amd64
 * only (flannel's udp backend) cannot run on an arm64 Docker (Apple silicon, Graviton).
 */
import { BACKEND_FACTS, type Backend } from "../backends";
import { fail, pass, warn, type Check } from "./check";
import type { DockerInfo } from "./docker-check";

/** `docker info` Architecture (uname -m) → the Go/Kubernetes name the backends' facts use. */
const GOARCH: Readonly<Record<string, string>> = { x86_64: "amd64", amd64: "amd64", aarch64: "arm64", arm64: "arm64" };

/** One check when a considered backend supports only some architectures; none otherwise. */
export function checkArchitecture(info: DockerInfo | undefined, backends: readonly Backend[]): Check[] {
  const limited = backends.filter((b) => BACKEND_FACTS[b].prerequisites.architectures !== undefined);
  if (limited.length === 0) return [];
  const arch = info?.architecture === undefined ? undefined : (GOARCH[info.architecture] ?? info.architecture);
  const wants = limited.map((b) => `${b}: ${BACKEND_FACTS[b].prerequisites.architectures!.join(", ")}`).join("; ");
  if (arch === undefined) return [warn("node-arch", `cannot tell the nodes' architecture (Docker not reachable); ${wants}`, "re-run once Docker is running")];
  const unfit = limited.filter((b) => !BACKEND_FACTS[b].prerequisites.architectures!.includes(arch as "amd64" | "arm64"));
  if (unfit.length === 0) return [pass("node-arch", `nodes are ${arch} (Docker's architecture); ${wants}`)];
  const msg = `nodes would be ${arch} (Docker's architecture), which ${unfit.join(", ")} does not support (${wants})`;
  const fix = "run the lab where Docker is amd64, or pick another backend";
  return [unfit.length === backends.length ? fail("node-arch", msg, fix) : warn("node-arch", msg, fix)];
}
