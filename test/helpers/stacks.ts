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

export function clusterStackNames(): string[] {
  return stackNames().filter((n) => !n.startsWith("docker-"));
}

export function loadStack(name: string): Promise<Spec> {
  return loadStackSpec(path.join(STACKS_DIR, `Pulumi.${name}.yaml`));
}
