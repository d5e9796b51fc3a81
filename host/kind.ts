/**
 * Finding kind, decided here once: which executables count, which versions cnilab accepts, and how
 * a step that runs kind names it. host/tools.ts walks these candidates for every command (doctor,
 * setup, up, down, e2e, perf); `up` hands the one it found to the Pulumi program as CNILAB_KIND.
 *
 * Order: $CNILAB_KIND (the user's explicit choice: used or refused, never passed over), kind on PATH,
 * /opt/kind/usr/bin/kind (.ci/install-kind.sh), the tools folder (`cnilab setup`).
 */
import { compareVersions, formatVersion, type Version } from "./check";
import { hostPath, type MachineRoot } from "./machine";

/** The variable naming the kind binary to use: set by the user, or by cnilab for the program it runs. */
export const KIND_ENV = "CNILAB_KIND";
/** The oldest kind our kind config is exercised with (Debian trixie's kind, .ci/install-kind.sh). */
export const KIND_MIN_VERSION: Version = [0, 27, 0];
/** Where .ci/install-kind.sh unpacks Debian's kind. */
export const KIND_FALLBACK_PATH = "/opt/kind/usr/bin/kind";

/**
 * kind labels every node container with its cluster's name and finds clusters by that label alone:
 * `docker ps -a --filter label=io.x-k8s.kind.cluster --format '{{.Label "io.x-k8s.kind.cluster"}}'`
 * (kubernetes-sigs/kind pkg/cluster/internal/providers/docker/provider.go ListClusters, at 00ec5e91).
 */
export const KIND_CLUSTER_LABEL = "io.x-k8s.kind.cluster";

/** The docker CLI the steps that read a lab's nodes run (perf, explain): $CNILAB_DOCKER, else docker on PATH. */
export function dockerExecutable(env: NodeJS.ProcessEnv): string {
  return env.CNILAB_DOCKER || "docker";
}

/** The kind a step runs when it is handed no path: $CNILAB_KIND (what `up` and `perf` set), else kind on PATH. */
export function kindExecutable(env: NodeJS.ProcessEnv): string {
  return env[KIND_ENV] || "kind";
}

/** Why a kind of this version is not used, or undefined when it is supported. */
export function unsupportedKind(v: Version): string | undefined {
  return compareVersions(v, KIND_MIN_VERSION) < 0 ? `older than ${formatVersion(KIND_MIN_VERSION)}, the oldest cnilab's kind config is tested with` : undefined;
}

/** The known install location, below the machine's root, as the machine names it. */
export function kindInstall(machine: MachineRoot): { path: string; shown: string } {
  return { path: hostPath(machine, KIND_FALLBACK_PATH), shown: KIND_FALLBACK_PATH };
}

