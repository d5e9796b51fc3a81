import { buildSync } from "esbuild";
import { join } from "node:path";

/** The bundled probe's target: the Node of the in-cluster image (pins/images.ts IMAGES.node) is newer, never older. */
export const PROBE_BUNDLE_TARGET = "node20";

export interface ProbeBundle {
  /** One CommonJS file, run as `node probe.js --plan plan.json`. */
  code: string;
  /** Source files that went in, relative to the repository root: probe/, and ip/cidr.ts for `within`. */
  inputs: string[];
}

/** Bundles probe/main.ts into one CommonJS file string for a ConfigMap. */
export function bundleProbe(): string {
  return buildProbeBundle().code;
}

export function buildProbeBundle(): ProbeBundle {
  return bundleEntry(join(__dirname, "main.ts"));
}

/**
 * Bundles one entry point of this repository (and what it imports) into a single CommonJS file for
 * the in-cluster Node image: the probe, and perf's request/response tool. `minify` for a large
 * bundle that runs under a tight memory limit (the terminal's cnilab: terminal/image.ts).
 */
export function bundleEntry(entry: string, options: { minify?: boolean } = {}): ProbeBundle {
  const result = buildSync({
    entryPoints: [entry],
    absWorkingDir: join(__dirname, ".."),
    bundle: true,
    platform: "node",
    target: PROBE_BUNDLE_TARGET,
    format: "cjs",
    write: false,
    metafile: true,
    legalComments: "none",
    logLevel: "silent",
    minify: options.minify === true,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return { code: file.text, inputs: Object.keys(result.metafile.inputs).sort() };
}
