import { join } from "node:path";
import { bundleEntry } from "../probe/bundle";

/** perf/rr/main.ts as one CommonJS file for a ConfigMap; it runs in the probe's Node image. */
export function bundleRr(): string {
  return bundleEntry(join(__dirname, "rr", "main.ts")).code;
}
