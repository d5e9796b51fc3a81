/**
 * The kind and Pulumi CLIs: found where cnilab will run them from, at versions it supports.
 */
import { join } from "node:path";
import { KIND_VERSION } from "../plan/pins";
import { compareVersions, fail, formatVersion, parseVersion, pass, warn, type Check } from "./doctor-check";
import { hostPath, isExecutable, which, type Host } from "./doctor-host";

/** A tool the doctor found: where, and its check line. */
export interface ToolFinding {
  check: Check;
  /** The executable to run; set whenever the tool was found, even at an unsupported version. */
  path?: string;
}

const VERSION_TIMEOUT_MS = 20_000;

/** The oldest kind our kind config is exercised with (Debian trixie's kind, .ci/install-kind.sh). */
export const KIND_MIN_VERSION: [number, number, number] = [0, 27, 0];
/**
 * Where .ci/install-kind.sh unpacks Debian's kind. cnilab looks there after PATH and passes the
 * binary on as CNILAB_KIND, the variable the cluster provider reads.
 */
export const KIND_FALLBACK_PATH = "/opt/kind/usr/bin/kind";

/**
 * The oldest Pulumi CLI cnilab accepts: v3.61.0 made file backends project-scoped (pulumi/pulumi
 * #12173, released 2023-04-03), and cnilab's fresh .cnilab/state uses that layout; an older CLI
 * would not see those stacks and could create the lab a second time (pulumi/pulumi#13127).
 */
export const PULUMI_MIN_VERSION: [number, number, number] = [3, 61, 0];
/** @pulumi/pulumi 3.x's Automation API refuses another major version of the CLI (automation/cmd.js). */
const PULUMI_MAJOR = 3;

const KIND_INSTALL = `install kind ${KIND_VERSION}: \`go install sigs.k8s.io/kind@${KIND_VERSION}\` or the release binary (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), or point CNILAB_KIND at a kind binary`;
const PULUMI_INSTALL = `install the Pulumi CLI ${formatVersion(PULUMI_MIN_VERSION)} or later: \`curl -fsSL https://get.pulumi.com | sh\` (no account needed: cnilab keeps state in .cnilab/state)`;

export async function checkKind(host: Host): Promise<ToolFinding> {
  const found = findKind(host);
  if ("problem" in found) return { check: found.problem };
  const result = await host.run(found.path, ["version"], VERSION_TIMEOUT_MS);
  const version = result.code === 0 ? parseVersion(result.stdout) : undefined;
  if (!version) {
    const said = (result.stderr || result.stdout).trim().split("\n")[0] ?? "";
    return { path: found.path, check: fail("kind", `\`${found.shown} version\` failed${said ? `: ${said}` : ""}`, KIND_INSTALL) };
  }
  const v = formatVersion(version);
  const at = found.note ? `${found.shown} (${found.note})` : found.shown;
  if (compareVersions(version, KIND_MIN_VERSION) < 0) {
    return { path: found.path, check: fail("kind", `kind ${v} at ${at} is older than ${formatVersion(KIND_MIN_VERSION)}, the oldest that cnilab's kind config is tested with`, KIND_INSTALL) };
  }
  const recommended = parseVersion(KIND_VERSION)!;
  if (compareVersions(version, recommended) < 0) {
    return {
      path: found.path,
      check: warn("kind", `kind ${v} at ${at} works; ${KIND_VERSION} is recommended (the pinned node image is its default)`, KIND_INSTALL),
    };
  }
  return { path: found.path, check: pass("kind", `kind ${v} at ${at}`) };
}

type Found = { path: string; shown: string; note?: string } | { problem: Check };

/** Same order as the cluster provider: $CNILAB_KIND, then PATH; then where install-kind.sh puts it. */
function findKind(host: Host): Found {
  const pinned = host.env.CNILAB_KIND;
  if (pinned) {
    if (isExecutable(pinned)) return { path: pinned, shown: pinned, note: "from CNILAB_KIND" };
    return { problem: fail("kind", `CNILAB_KIND=${pinned} is not an executable file`, "point CNILAB_KIND at the kind binary, or unset it to use kind from PATH") };
  }
  const onPath = which(host, "kind");
  if (onPath) return { path: onPath, shown: onPath };
  const fallback = hostPath(host, KIND_FALLBACK_PATH);
  if (isExecutable(fallback)) {
    return {
      path: fallback,
      shown: KIND_FALLBACK_PATH,
      note: `not on PATH; cnilab up passes it on as CNILAB_KIND, for plain pulumi export CNILAB_KIND=${KIND_FALLBACK_PATH}`,
    };
  }
  return { problem: fail("kind", "kind is not on PATH (nor CNILAB_KIND set)", KIND_INSTALL) };
}

export async function checkPulumi(host: Host): Promise<ToolFinding> {
  const found = findPulumi(host);
  if (!found) return { check: fail("pulumi", "the Pulumi CLI is not on PATH (nor in ~/.pulumi/bin)", PULUMI_INSTALL) };
  // The update check would reach out to the network on every call; doctor must not.
  const result = await host.run(found.path, ["version"], VERSION_TIMEOUT_MS, { PULUMI_SKIP_UPDATE_CHECK: "true" });
  const version = result.code === 0 ? parseVersion(result.stdout) : undefined;
  const at = found.note ? `${found.path} (${found.note})` : found.path;
  if (!version) {
    const said = (result.stderr || result.stdout).trim().split("\n")[0] ?? "";
    return { path: found.path, check: fail("pulumi", `\`${found.path} version\` failed${said ? `: ${said}` : ""}`, PULUMI_INSTALL) };
  }
  const v = formatVersion(version);
  if (version[0] !== PULUMI_MAJOR) {
    return { path: found.path, check: fail("pulumi", `Pulumi ${v} at ${at}: the Automation API in @pulumi/pulumi 3.x needs a 3.x CLI`, PULUMI_INSTALL) };
  }
  if (compareVersions(version, PULUMI_MIN_VERSION) < 0) {
    return {
      path: found.path,
      check: fail("pulumi", `Pulumi ${v} at ${at} is older than ${formatVersion(PULUMI_MIN_VERSION)} (project-scoped file backends)`, "upgrade: `pulumi self-update`, or " + PULUMI_INSTALL),
    };
  }
  return { path: found.path, check: pass("pulumi", `Pulumi ${v} at ${at}`) };
}

/** PATH, then ~/.pulumi/bin where get.pulumi.com installs (a shell started before the install lacks it on PATH). */
function findPulumi(host: Host): { path: string; note?: string } | undefined {
  const onPath = which(host, "pulumi");
  if (onPath) return { path: onPath };
  if (!host.env.HOME) return undefined;
  const installed = join(host.env.HOME, ".pulumi", "bin", "pulumi");
  return isExecutable(installed) ? { path: installed, note: "not on PATH; cnilab uses it from there" } : undefined;
}
