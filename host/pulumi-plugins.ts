/**
 * The Pulumi resource plugins the program needs, at the versions the installed SDK packages declare.
 *
 * npm 11 runs no dependency's install script unless allowed, so @pulumi/kubernetes's script (which
 * would call `pulumi plugin install`) never runs, and nothing else fetches the plugins before an
 * update. Each SDK package's package.json names its plugin in its `pulumi` field ({resource, name,
 * version}, what Pulumi's Node.js language host reads to find the plugins a program needs); npm
 * installs the version package-lock pins, so that field is the one place the versions come from.
 */
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { pass, warn, type Check } from "./check";
import { which, type Host } from "./host";
import { cliEnv } from "./pulumi-process";

export interface PluginPin {
  name: string;
  /** Without a leading "v", as `pulumi plugin ls --json` prints it. */
  version: string;
}

/** The SDK package of each plugin a lab can need. */
const PACKAGES = { kubernetes: "@pulumi/kubernetes", docker: "@pulumi/docker" } as const;
export type PluginName = keyof typeof PACKAGES;

export function pinnedPlugin(name: PluginName): PluginPin {
  const pkg = require(`${PACKAGES[name]}/package.json`) as { version: string; pulumi?: { name?: string; version?: string } };
  return { name: pkg.pulumi?.name ?? name, version: (pkg.pulumi?.version ?? pkg.version).replace(/^v/, "") };
}

/**
 * Kind-cluster labs need only kubernetes (the cluster's objects): their Docker network and the kind
 * cluster are dynamic resources of ours (components/cluster), run by the CLI's `pulumi-nodejs`
 * provider, which is no plugin to install. Docker-only labs need docker.
 */
export function pluginsFor(lab: "cluster" | "docker"): PluginPin[] {
  return lab === "cluster" ? [pinnedPlugin("kubernetes")] : [pinnedPlugin("docker")];
}

/** The pins that `pulumi plugin ls --json`'s output lacks (resource plugins, exact version). */
export function missingPlugins(listed: readonly { name: string; kind: string; version?: string }[], pins: readonly PluginPin[]): PluginPin[] {
  return pins.filter((p) => !listed.some((l) => l.kind === "resource" && l.name === p.name && (l.version ?? "").replace(/^v/, "") === p.version));
}

/**
 * A resource plugin's executable on PATH (`pulumi-resource-<name>`). Pulumi runs such an "ambient"
 * plugin for every version a program asks for, before it looks in its plugin cache, unless
 * PULUMI_IGNORE_AMBIENT_PLUGINS is 1 or true (pulumi/pulumi v3.259.0
 * sdk/go/common/workspace/plugins.go getPluginInfoAndPath; util/env BoolValue). So nothing needs
 * installing for it: that is how a provider built from source is used (local/pulumi-env.sh).
 */
export function ambientPlugin(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (/^(1|true)$/i.test(env.PULUMI_IGNORE_AMBIENT_PLUGINS ?? "")) return undefined;
  return which({ env }, `pulumi-resource-${name}`);
}

export const installCommand = (p: PluginPin) => `pulumi plugin install resource ${p.name} v${p.version}`;

/**
 * doctor's line: are the plugins of a cluster stack (or, for `--backend docker-<driver>`, of a
 * Docker-only lab) there (`pulumi plugin ls --json`)? Missing ones only warn: `up` installs them,
 * which needs the network once.
 */
export async function checkPlugins(host: Host, pulumiPath: string, lab: "cluster" | "docker" = "cluster"): Promise<Check> {
  const all = pluginsFor(lab);
  const env = cliEnv(pulumiPath, {}, host.env);
  const ambient = all.map((p) => ({ pin: p, path: ambientPlugin(env, p.name) }));
  const fromPath = ambient.flatMap(({ pin, path }) => (path ? [`${pin.name} from PATH at ${path} (used for v${pin.version})`] : []));
  const pins = ambient.filter(({ path }) => !path).map(({ pin }) => pin);
  if (pins.length === 0) return pass("pulumi-plugins", `Pulumi plugin${all.length > 1 ? "s" : ""} ${fromPath.join(", ")}`);
  const also = fromPath.length > 0 ? `; ${fromPath.join(", ")}` : "";
  const wanted = pins.map((p) => `${p.name} v${p.version}`).join(", ");
  const r = await host.run(pulumiPath, ["plugin", "ls", "--json"], 20_000, { PULUMI_SKIP_UPDATE_CHECK: "true" });
  let listed: { name: string; kind: string; version?: string }[] | undefined;
  try {
    listed = r.code === 0 ? (JSON.parse(r.stdout) as typeof listed) ?? [] : undefined;
  } catch {
    listed = undefined;
  }
  if (!listed) {
    const said = (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
    return warn("pulumi-plugins", `\`pulumi plugin ls --json\` failed${said ? `: ${said}` : ""}; cannot tell whether ${wanted} are installed`, pins.map(installCommand).join(" && "));
  }
  const missing = missingPlugins(listed, pins);
  if (missing.length === 0) return pass("pulumi-plugins", `Pulumi plugin${pins.length > 1 ? "s" : ""} ${wanted} installed${also}`);
  return warn(
    "pulumi-plugins",
    `Pulumi plugin${missing.length > 1 ? "s" : ""} ${missing.map((p) => `${p.name} v${p.version}`).join(", ")} not installed (the versions the installed @pulumi packages declare); cnilab up installs ${missing.length > 1 ? "them" : "it"}, which needs the network once${also}`,
    missing.map(installCommand).join(" && "),
  );
}

export type EnsureResult = { installed: PluginPin[] } | { failed: PluginPin; message: string };

/**
 * Installs what is missing through the workspace (`pulumi plugin install resource <name> v<version>`).
 * `pulumi plugin ls` first, so a machine that has them needs no network; a plugin on the
 * workspace's PATH is never missing (ambientPlugin).
 */
export async function ensurePlugins(ws: LocalWorkspace, pins: readonly PluginPin[]): Promise<EnsureResult> {
  const env = cliEnv(ws.pulumiCommand.command, ws.envVars);
  const missing = missingPlugins(await ws.listPlugins(), pins.filter((p) => !ambientPlugin(env, p.name)));
  for (const p of missing) {
    try {
      await ws.installPlugin(p.name, `v${p.version}`);
    } catch (err) {
      const result = (err as { commandResult?: { stderr?: string } }).commandResult;
      const said = (result?.stderr || (err as Error).message).trim().split("\n").filter((l) => l.trim() !== "").slice(-2).join(" | ");
      return { failed: p, message: said };
    }
  }
  return { installed: missing };
}
