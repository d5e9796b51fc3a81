/**
 * The `<workshop>` argument of `cnilab workshop …`: a workshop name, whose stack is
 * stacks/Pulumi.workshop-<name>.yaml (workshop/stack.ts). A name without such a stack is bad usage
 * naming the workshops that have one.
 */
import { didYouMean } from "../../labs/errors";
import { workshopStackName } from "../../workshop/cache/plan";
import { UsageError } from "../command";
import { listStacks, resolveStack, type StackRef } from "../stack-arg";

const PREFIX = workshopStackName("");

export function listWorkshopStacks(root: string): string[] {
  return listStacks(root).flatMap((s) => (s.startsWith(PREFIX) ? [s.slice(PREFIX.length)] : []));
}

export function resolveWorkshop(name: string | undefined, root: string, cwd: string): StackRef {
  const known = listWorkshopStacks(root);
  if (!name) throw new UsageError(`missing <workshop>; workshops: ${known.join(", ") || "(none)"}`);
  if (!known.includes(name)) {
    throw new UsageError(`no workshop '${name}' (no stacks/Pulumi.${workshopStackName(name)}.yaml)${didYouMean(name, known)}; workshops: ${known.join(", ") || "(none)"}`);
  }
  return resolveStack(workshopStackName(name), root, cwd);
}
