/**
 * Who owns a Docker object cnilab makes: the Pulumi project and stack, as labels on it. `down`
 * removes a leftover only when it carries the stack's identity (or the stack's state recorded it),
 * and `plan`/`up` tell another stack's objects from this stack's by them — never by name alone, since
 * two stack files can name the same cluster.
 */

/** Pulumi.yaml's `name` (a test holds the two together). */
export const PROJECT_NAME = "cnilab";

export const IDENTITY_LABELS = { project: "io.cnilab.project", stack: "io.cnilab.stack" } as const;

/** On the lab's Docker network: the kind cluster whose nodes sit on it (for people reading `docker network ls`). */
export const CLUSTER_LABEL = "io.cnilab.cluster";

/** A Docker label as @pulumi/docker takes it. */
export interface Label {
  label: string;
  value: string;
}

/** The labels that make a Docker object this stack's. */
export function identityLabels(stack: string): Label[] {
  return [
    { label: IDENTITY_LABELS.project, value: PROJECT_NAME },
    { label: IDENTITY_LABELS.stack, value: stack },
  ];
}

/** The stack a Docker object belongs to by its labels; undefined when it is not cnilab's. */
export function ownerStack(labels: Readonly<Record<string, string>> | null | undefined): string | undefined {
  if (labels?.[IDENTITY_LABELS.project] !== PROJECT_NAME) return undefined;
  return labels[IDENTITY_LABELS.stack] || undefined;
}

/** "io.cnilab.project=cnilab, io.cnilab.stack=<stack>", for messages. */
export function identityText(stack: string): string {
  return identityLabels(stack)
    .map((l) => `${l.label}=${l.value}`)
    .join(", ");
}
