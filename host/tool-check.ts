/**
 * The kind and Pulumi check lines: where each tool comes from (CNILAB_KIND, PATH, a known install
 * location, the tools folder, or missing), at which version, and what `cnilab setup` would fetch.
 */
import { KIND_VERSION } from "../pins";
import type { ToolName } from "../pins/tools";
import { PROXY_HINT } from "./tool-install";
import { compareVersions, fail, formatVersion, parseVersion, pass, warn, type Check } from "./check";
import { hostOs, type Host } from "./host";
import { describeUse, locateTool, type LocatedTool, type ToolFailure } from "./tools";
import { KIND_FALLBACK_PATH } from "./kind";
import { PULUMI_MIN_VERSION } from "./pulumi";

/** A tool's check line, and the executable to run when one qualifies. */
export interface ToolFinding {
  check: Check;
  path?: string;
}

const MANUAL: Readonly<Record<ToolName, string>> = {
  kind: `install kind ${KIND_VERSION}: \`go install sigs.k8s.io/kind@${KIND_VERSION}\` or the release binary (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), or point CNILAB_KIND at a kind binary`,
  pulumi: `install the Pulumi CLI ${formatVersion(PULUMI_MIN_VERSION)} or later: \`curl -fsSL https://get.pulumi.com | sh\` (no account needed: cnilab keeps state in .cnilab/state)`,
};

const NOWHERE: Readonly<Record<ToolName, string>> = {
  kind: `kind is not on PATH, in ${KIND_FALLBACK_PATH} or the tools folder (nor CNILAB_KIND set)`,
  pulumi: "the Pulumi CLI is not on PATH, in ~/.pulumi/bin or the tools folder",
};

const LABEL: Readonly<Record<ToolName, string>> = { kind: "kind", pulumi: "Pulumi" };

/**
 * The check for a located tool. `failure` is why fetching it failed, when `up`/`down`/`verify`
 * tried. A tool that is missing but that `setup` can fetch only warns: the next `up` fetches it.
 */
export function toolCheck(host: Host, l: LocatedTool, failure?: ToolFailure): ToolFinding {
  const id = l.tool;
  if (l.refused) return { check: fail(id, l.refused, "point CNILAB_KIND at a kind binary (v0.27.0 or later), or unset it to let cnilab find or fetch one") };
  if (l.use) {
    const at = `${LABEL[id]} ${formatVersion(l.use.version)} at ${describeUse(l)}`;
    const recommended = parseVersion(KIND_VERSION)!;
    if (id === "kind" && compareVersions(l.use.version, recommended) < 0) {
      const pinned = l.fetch ? ` or point CNILAB_KIND at the pinned one (\`cnilab setup\` puts it at ${l.fetch.target})` : "";
      return { path: l.use.path, check: warn(id, `${at} works; ${KIND_VERSION} is recommended (the pinned node image is its default)`, `${MANUAL.kind}${pinned}`) };
    }
    return { path: l.use.path, check: pass(id, at) };
  }
  const seen = l.passedOver.length ? l.passedOver.map((p) => `${p.shown}: ${p.why}`).join("; ") : NOWHERE[id];
  if (failure) {
    const fix = failure.retry ? `check the network (${PROXY_HINT}) and run \`cnilab setup\` again, or ${MANUAL[id]}` : MANUAL[id];
    return { check: fail(id, `${seen}; ${failure.why}`, fix) };
  }
  if (!l.fetch) {
    const os = hostOs(host);
    return { check: fail(id, `${seen}; cnilab pins no ${LABEL[id]} build for ${os.platform}/${os.arch}`, MANUAL[id]) };
  }
  const f = l.fetch;
  return {
    check: warn(id, `${seen}; \`cnilab setup\` would fetch ${LABEL[id]} ${f.version} (${f.platform}) from ${f.url} (sha256 ${f.sha256}) to ${f.target}`, "cnilab setup (up, down and verify run it themselves when a tool is missing)"),
  };
}

export async function checkKind(host: Host): Promise<ToolFinding> {
  return toolCheck(host, await locateTool(host, "kind"));
}

export async function checkPulumi(host: Host): Promise<ToolFinding> {
  return toolCheck(host, await locateTool(host, "pulumi"));
}
