/**
 * `cnilab setup [--dry-run]`: the pinned kind and Pulumi CLI for this machine into the tools folder,
 * each verified against its pinned sha256 — so a machine with Docker and Node needs nothing else.
 */
import { exitCode } from "./exit";
import { PLATFORMS, TOOL_NAMES, TOOLS } from "../pins/tools";
import { installTool, PROXY_HINT, SetupError } from "../host/tool-install";
import { parseCommandArgs } from "./args";
import { UsageError, type Command, type Io } from "./command";
import { formatVersion } from "../host/check";
import { hostOs, isExecutable, systemHost, type Host } from "../host/host";
import { describeUse, locateTools, pinnedFetch } from "../host/tools";
import { KIND_MIN_VERSION } from "../host/kind";
import { PULUMI_MIN_VERSION } from "../host/pulumi";

export const SETUP_HELP = `Usage: cnilab setup [--dry-run]

Puts the pinned kind release binary and the pinned Pulumi CLI for this machine (${PLATFORMS.join(", ")})
into the tools folder, <state>/tools (<state> is $CNILAB_STATE or .cnilab in the project):

  kind    ${TOOLS.kind.version.padEnd(8)}  the kubernetes-sigs/kind release binary
  pulumi  ${TOOLS.pulumi.version.padEnd(8)}  the pulumi/pulumi release archive: the CLI and its language hosts

Each download is checked against the sha256 pinned in pins/tools.ts before it is unpacked; a
mismatch is refused and leaves nothing behind. A tool already in the tools folder is kept.

Your own installs still win when their version is supported: kind (CNILAB_KIND, PATH,
/opt/kind/usr/bin) from ${formatVersion(KIND_MIN_VERSION)}, Pulumi (PATH, ~/.pulumi/bin) from ${formatVersion(PULUMI_MIN_VERSION)}. up, down
and verify run setup themselves when a tool they need is found nowhere; \`cnilab doctor\` says
where each tool comes from.

Options
  --dry-run   print, for this machine, each tool's version, URL, expected sha256 and target path;
              fetch and write nothing
  -h, --help  this text

Exit status: 0 both tools are in place (with --dry-run: printed); 2 a download failed, a sum did
not match, no build is pinned for this machine, or bad usage.

Examples
  cnilab setup --dry-run
  cnilab setup
`;

export async function runSetup(argv: string[], io: Io, host: Host = systemHost(io.env, io.cwd)): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: argv, options: { "dry-run": { type: "boolean", default: false } }, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const fetches = TOOL_NAMES.map((tool) => ({ tool, fetch: pinnedFetch(host, tool) }));
  if (!host.tools || fetches.some((f) => !f.fetch)) {
    const os = hostOs(host);
    io.stderr(`cnilab setup: no kind and Pulumi builds are pinned for ${os.platform}/${os.arch} (pinned: ${PLATFORMS.join(", ")}); install kind ${TOOLS.kind.version} and the Pulumi CLI yourself, see \`cnilab doctor\`\n`);
    return exitCode("missing-prerequisite");
  }
  if (values["dry-run"]) {
    io.stdout(`cnilab setup --dry-run: ${fetches[0]!.fetch!.platform}, into ${host.tools.dir}; nothing is fetched\n`);
    for (const { tool, fetch } of fetches) {
      const f = fetch!;
      io.stdout(`\n${tool.padEnd(7)} ${f.version}\n  url     ${f.url}\n  sha256  ${f.sha256}\n  target  ${f.target} (${isExecutable(f.target) ? "installed" : "not installed"})\n`);
    }
    return exitCode("ok");
  }
  const say = (line: string) => io.stdout(`${line}\n`);
  for (const { tool, fetch } of fetches) {
    const f = fetch!;
    if (isExecutable(f.target)) {
      say(`${tool} ${f.version}: already installed at ${f.target}`);
      continue;
    }
    try {
      await installTool(host.tools, tool, f.platform, say);
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      io.stderr(`cnilab setup: ${err.message}${err.reason === "download" ? ` (${PROXY_HINT})` : ""}\n`);
      return exitCode("missing-prerequisite");
    }
  }
  const located = await locateTools(host, TOOL_NAMES);
  for (const tool of TOOL_NAMES) {
    const l = located[tool]!;
    if (l.use) say(`cnilab uses ${tool} ${formatVersion(l.use.version)} at ${describeUse(l)}`);
    else if (l.refused) say(`cnilab cannot use ${tool}: ${l.refused}`);
    else {
      io.stderr(`cnilab setup: the installed ${tool} does not run: ${l.passedOver.map((p) => `${p.shown}: ${p.why}`).join("; ")}\n`);
      return exitCode("missing-prerequisite");
    }
  }
  return exitCode("ok");
}

export const setupCommand: Command = {
  name: "setup",
  summary: "fetch the pinned kind and Pulumi CLI into the tools folder, sha256-verified (--dry-run: show what)",
  help: SETUP_HELP,
  run: (argv, io) => runSetup(argv, io),
};
