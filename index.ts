import * as pulumi from "@pulumi/pulumi";
import { stackProgram } from "./program";

/**
 * The Pulumi entry point. Configuration is read once, here: every `cnilab:` key of the stack (an
 * unknown key is an error, not ignored), validated and turned into the lab by program.ts (a kind
 * lab, or a Docker-only lab).
 */
const raw = Object.fromEntries(
  Object.entries(pulumi.runtime.allConfig())
    .filter(([key]) => key.startsWith("cnilab:"))
    .map(([key, value]) => [key.slice("cnilab:".length), value]),
);

export = stackProgram(raw, `stacks/Pulumi.${pulumi.getStack()}.yaml`);
