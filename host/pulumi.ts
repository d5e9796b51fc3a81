/**
 * Finding the Pulumi CLI, decided here once: which executables count and which versions cnilab
 * accepts. host/tools.ts walks these candidates for every command; the Automation API then runs
 * exactly the one found (cli/pulumi.ts).
 *
 * Order: pulumi on PATH, ~/.pulumi/bin/pulumi (get.pulumi.com's installer), the tools folder.
 */
import { join } from "node:path";
import { compareVersions, formatVersion, type Version } from "./check";

/**
 * The oldest Pulumi CLI cnilab accepts: v3.181.0 runs refresh and destroy with an inline program
 * (`--client`; @pulumi/pulumi 3.270 automation/stack.js checkInlineSupport refuses an older CLI), and
 * cnilab runs every Pulumi operation inline (cli/pulumi.ts). It is also past v3.61.0, which made file
 * backends project-scoped (pulumi/pulumi#12173): cnilab's .cnilab/state uses that layout.
 */
export const PULUMI_MIN_VERSION: Version = [3, 181, 0];
/** @pulumi/pulumi 3.x's Automation API refuses another major version of the CLI (automation/cmd.js). */
const PULUMI_MAJOR = 3;

/** Why a Pulumi CLI of this version is not used, or undefined when it is supported. */
export function unsupportedPulumi(v: Version): string | undefined {
  if (v[0] !== PULUMI_MAJOR) return `not a ${PULUMI_MAJOR}.x CLI, which the Automation API in @pulumi/pulumi ${PULUMI_MAJOR}.x needs`;
  return compareVersions(v, PULUMI_MIN_VERSION) < 0 ? `older than ${formatVersion(PULUMI_MIN_VERSION)} (refresh and destroy with an inline program)` : undefined;
}

/** Where get.pulumi.com's installer puts the CLI; undefined without a home directory. */
export function pulumiInstall(env: NodeJS.ProcessEnv): string | undefined {
  return env.HOME ? join(env.HOME, ".pulumi", "bin", "pulumi") : undefined;
}
