import { buildSync } from "esbuild";
import { join } from "node:path";
import { PROBE_BUNDLE_TARGET } from "../probe/bundle";

/** perf/rr/main.ts as one CommonJS file for a ConfigMap; it runs in the probe's Node image. */
export function bundleRr(): string {
  const result = buildSync({
    entryPoints: [join(__dirname, "rr", "main.ts")],
    absWorkingDir: join(__dirname, ".."),
    bundle: true,
    platform: "node",
    target: PROBE_BUNDLE_TARGET,
    format: "cjs",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output for perf/rr/main.ts");
  return file.text;
}
