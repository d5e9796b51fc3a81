import { createHash } from "node:crypto";

/**
 * Annotation on the pod template carrying the probe program's hash. The program reaches the pod through
 * the ConfigMap, which Kubernetes updates in place; a Job's template is what Pulumi replaces the Job
 * for, so a new probe program re-runs the probes instead of leaving the old program's results to verify.
 */
export const PROBE_HASH_ANNOTATION = "cnilab.io/probe-sha256";

/** The first 32 hex digits of a text's SHA-256: what the pod template annotations carry. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}
