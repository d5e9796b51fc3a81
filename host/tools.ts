/**
 * Finds kind and the Pulumi CLI for every command (doctor, setup, up, down, verify, perf, e2e): the
 * candidates and version rules of each are host/kind.ts's and host/pulumi.ts's. A user's own install
 * wins when its version is supported; else the pinned one in the tools folder (`cnilab setup`); else
 * the tool is missing, and `ensureTools` fetches it.
 */
import { join } from "node:path";
import { releasePlatform, type Platform, type ToolName } from "../pins/tools";
import { assetUrl, installTool, SetupError, shelfPin, toolTarget } from "./tool-install";
import { formatVersion, parseVersion, type Version } from "./check";
import { hostOs, isExecutable, which, type Host } from "./host";
import { KIND_ENV, kindInstall, unsupportedKind } from "./kind";
import { pulumiInstall, unsupportedPulumi } from "./pulumi";

export type { Version } from "./check";
export type Origin = "CNILAB_KIND" | "PATH" | "install" | "tools folder";

const VERSION_TIMEOUT_MS = 20_000;

/** Why a found executable is not used, or undefined when its version is supported. */
const UNSUPPORTED: Readonly<Record<ToolName, (v: Version) => string | undefined>> = { kind: unsupportedKind, pulumi: unsupportedPulumi };

/** The tool's own install location beside PATH and the tools folder. */
function installed(host: Host, tool: ToolName): { path: string; shown: string } | undefined {
  if (tool === "kind") return kindInstall(host);
  const home = pulumiInstall(host.env);
  return home ? { path: home, shown: home } : undefined;
}

export interface Candidate {
  path: string;
  /** How a person would name it: the machine path (tests put the machine below a fixture root). */
  shown: string;
  origin: Origin;
}

export interface LocatedTool {
  tool: ToolName;
  /** The executable to run, with its version: the first candidate at a supported version. */
  use?: Candidate & { version: Version };
  /** Executables looked at and not used, each with why. */
  passedOver: (Candidate & { why: string })[];
  /** CNILAB_KIND is set but unusable: no fallback, the user asked for that binary. */
  refused?: string;
  /** What `setup` installs for this machine; undefined when no build is pinned for its platform. */
  fetch?: PinnedFetch;
}

export interface PinnedFetch {
  version: string;
  platform: Platform;
  url: string;
  sha256: string;
  /** The executable once installed. */
  target: string;
}

/** This machine's pinned build of each tool, or why there is none. */
export function pinnedFetch(host: Host, tool: ToolName): PinnedFetch | undefined {
  const os = hostOs(host);
  const platform = releasePlatform(os.platform, os.arch);
  if (!platform || !host.tools) return undefined;
  const pin = shelfPin(host.tools, tool);
  const asset = pin.assets[platform];
  return { version: pin.version, platform, url: assetUrl(host.tools, asset), sha256: asset.sha256, target: toolTarget(host.tools, tool) };
}

function candidates(host: Host, tool: ToolName): Candidate[] {
  const list: Candidate[] = [];
  const onPath = which(host, tool);
  if (onPath) list.push({ path: onPath, shown: onPath, origin: "PATH" });
  const own = installed(host, tool);
  if (own && isExecutable(own.path)) list.push({ ...own, origin: "install" });
  if (host.tools) {
    const target = toolTarget(host.tools, tool);
    if (isExecutable(target)) list.push({ path: target, shown: target, origin: "tools folder" });
  }
  return list;
}

async function versionOf(host: Host, path: string): Promise<Version | string> {
  // Pulumi's update check would reach out to the network on every call.
  const r = await host.run(path, ["version"], VERSION_TIMEOUT_MS, { PULUMI_SKIP_UPDATE_CHECK: "true" });
  const v = r.code === 0 ? parseVersion(r.stdout) : undefined;
  if (v) return v;
  const said = (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
  return `\`version\` failed${said ? `: ${said}` : r.failure ? ` (${r.failure})` : ""}`;
}

export async function locateTool(host: Host, tool: ToolName): Promise<LocatedTool> {
  const located: LocatedTool = { tool, passedOver: [], fetch: pinnedFetch(host, tool) };
  const explicit = tool === "kind" ? host.env[KIND_ENV] : undefined;
  const list: Candidate[] = explicit ? [{ path: explicit, shown: explicit, origin: "CNILAB_KIND" }] : candidates(host, tool);
  if (explicit && !isExecutable(explicit)) return { ...located, refused: `CNILAB_KIND=${explicit} is not an executable file` };
  for (const c of list) {
    const v = await versionOf(host, c.path);
    const why = typeof v === "string" ? v : UNSUPPORTED[tool](v);
    if (why === undefined) return { ...located, use: { ...c, version: v as Version } };
    if (explicit) return { ...located, refused: `CNILAB_KIND=${explicit}: ${typeof v === "string" ? v : `kind ${formatVersion(v)} is ${why}`}` };
    located.passedOver.push({ ...c, why: typeof v === "string" ? v : `${formatVersion(v)} is ${why}` });
  }
  return located;
}

export type LocatedTools = Partial<Record<ToolName, LocatedTool>>;

/** Why a tool could not be fetched; `retry` when it was the network or the server (worth another try). */
export interface ToolFailure {
  why: string;
  retry: boolean;
}
export type ToolFailures = Partial<Record<ToolName, ToolFailure>>;

export async function locateTools(host: Host, tools: readonly ToolName[]): Promise<LocatedTools> {
  const found = await Promise.all(tools.map((t) => locateTool(host, t)));
  return Object.fromEntries(found.map((l) => [l.tool, l]));
}

/**
 * Finds each tool and fetches the missing ones into the tools folder (what `up`, `down` and
 * `verify` do first). A tool that cannot be fetched stays missing, with `failed` saying why in one line.
 */
export async function ensureTools(host: Host, tools: readonly ToolName[], say: (line: string) => void): Promise<{ located: LocatedTools; failed: ToolFailures }> {
  const located = await locateTools(host, tools);
  const failed: ToolFailures = {};
  for (const tool of tools) {
    const l = located[tool]!;
    if (l.use || l.refused || !l.fetch || !host.tools) continue;
    say(`${tool} is missing${l.passedOver.length ? ` (${l.passedOver.map((p) => `${p.shown}: ${p.why}`).join("; ")})` : ""}: fetching the pinned one (cnilab setup)`);
    try {
      await installTool(host.tools, tool, l.fetch.platform, say);
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      failed[tool] = { why: err.message, retry: err.reason === "download" };
      continue;
    }
    located[tool] = await locateTool(host, tool);
    const broken = located[tool]!.passedOver.find((p) => p.origin === "tools folder");
    if (!located[tool]!.use && broken) {
      failed[tool] = { why: `${broken.shown} in the tools folder does not run (${broken.why}): remove ${join(host.tools.dir, tool)} and run \`cnilab setup\` again`, retry: false };
    }
  }
  return { located, failed };
}

/** How the check line names where a tool was found. */
export function describeUse(l: LocatedTool): string {
  const u = l.use!;
  const note =
    u.origin === "CNILAB_KIND" ? "from CNILAB_KIND"
    : u.origin === "PATH" ? "PATH"
    : u.origin === "tools folder" ? "tools folder, fetched by cnilab setup"
    : l.tool === "kind" ? "not on PATH; cnilab passes it on as CNILAB_KIND"
    : "not on PATH; cnilab uses it from there";
  const skipped = l.passedOver.map((p) => `; ${p.shown} passed over: ${p.why}`).join("");
  return `${u.shown} (${note}${skipped})`;
}
