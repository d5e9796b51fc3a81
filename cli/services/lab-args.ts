/**
 * The `<stack>` argument of `up` and `down`: Pulumi reads stack settings only from stacks/, so a
 * stack file elsewhere is bad usage with the copy to make.
 */
import { parseCommandArgs } from "../args";
import { UsageError, type Io } from "../command";
import { resolveStack } from "../stack-arg";

export function parseLabArgs(command: string, argv: string[], io: Io, root: string, extra: Record<string, { type: "boolean" }> = {}) {
  const { values, positionals } = parseCommandArgs({ args: argv, options: extra, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`expected one <stack>, got ${positionals.length === 0 ? "none" : positionals.join(" ")}`);
  const ref = resolveStack(positionals[0], root, io.cwd);
  if (!ref.inStacksDir) {
    throw new UsageError(`Pulumi reads stack settings only from stacks/Pulumi.<name>.yaml; copy ${ref.source} to stacks/Pulumi.${ref.name}.yaml and run 'cnilab ${command} ${ref.name}'`);
  }
  return { ref, flags: values as Record<string, boolean | undefined> };
}

