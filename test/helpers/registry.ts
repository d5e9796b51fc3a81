/** Debian's docker-registry (the distribution registry 2.8), which the real registry tests run on loopback. */
import { accessSync, constants } from "node:fs";

export const REGISTRY = "/usr/bin/docker-registry";

/** Why the registry cannot run here (the skip reason), or undefined. */
export function registryMissing(): string | undefined {
  try {
    accessSync(REGISTRY, constants.X_OK);
    return undefined;
  } catch {
    return "no docker-registry (Debian package docker-registry; .ci/setup.sh installs it)";
  }
}
