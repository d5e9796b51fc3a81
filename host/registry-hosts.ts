import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Writes the hosts.toml files of `cnilab:registryMirrors` where the kind nodes mount them. The
 * directory itself is kept (running nodes hold a bind mount of it; a new directory would not reach
 * them): files are rewritten in place and a registry no longer listed loses its folder. containerd
 * reads hosts.toml on each pull, so a change applies to running nodes without a restart. `plan` is
 * plan/registry-mirrors.ts RegistryMirrorPlan (the machine layer sits below the planners).
 */
export function writeRegistryHosts(plan: { hostDir: string; files: readonly { host: string; toml: string }[] }): void {
  mkdirSync(plan.hostDir, { recursive: true });
  const wanted = new Set(plan.files.map((f) => f.host));
  for (const entry of readdirSync(plan.hostDir)) if (!wanted.has(entry)) rmSync(join(plan.hostDir, entry), { recursive: true, force: true });
  for (const f of plan.files) {
    mkdirSync(join(plan.hostDir, f.host), { recursive: true });
    writeFileSync(join(plan.hostDir, f.host, "hosts.toml"), f.toml);
  }
}
