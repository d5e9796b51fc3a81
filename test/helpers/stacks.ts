import { readdirSync } from "node:fs";
import * as path from "node:path";
import { loadStackSpec, type Spec } from "../../labs";

export const ROOT = path.resolve(__dirname, "../..");
export const STACKS_DIR = path.join(ROOT, "stacks");

/** Every stack file's name (Pulumi.<name>.yaml), optionally only the kind (cluster) stacks. */
export function stackNames(): string[] {
  return readdirSync(STACKS_DIR)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .map((f) => f.slice("Pulumi.".length, -".yaml".length))
    .sort();
}

/** The lab stacks that make one kind cluster: neither Docker-only (docker-*) nor a workshop (workshop-*). */
export function clusterStackNames(): string[] {
  return stackNames().filter((n) => !n.startsWith("docker-") && !n.startsWith("workshop-"));
}

export function loadStack(name: string): Promise<Spec> {
  return loadStackSpec(path.join(STACKS_DIR, `Pulumi.${name}.yaml`));
}
