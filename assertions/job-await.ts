/**
 * How Pulumi awaits a Job this lab registers, as the annotations pulumi-kubernetes reads (one place
 * for every Pulumi-managed Job: the CNI readiness Job and the assertion Jobs).
 *
 * - `pulumi.com/timeoutSeconds`: the await bound; past it the update fails with the Job's status. The
 *   provider reads it on any resource (a storage check's claim bounds its own await with it).
 * - `pulumi.com/replaceUnready: "true"`: a Job that failed (or timed out) in an earlier update is
 *   replaced on the next one instead of awaited again, so a fixed lab re-runs it. Without it, per the
 *   Job resource's doc comment in @pulumi/kubernetes 4.34.2 (batch/v1/job.d.ts), "Pulumi will
 *   continue to wait for readiness on the next update"; the provider checks the live Job's status
 *   (pulumi/pulumi-kubernetes#1575, #1578), and the annotation applies to Jobs only.
 */
export const JOB_TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";
export const REPLACE_UNREADY_ANNOTATION = "pulumi.com/replaceUnready";

export function jobAwaitAnnotations(timeoutSeconds: number): Record<string, string> {
  return { [JOB_TIMEOUT_ANNOTATION]: String(timeoutSeconds), [REPLACE_UNREADY_ANNOTATION]: "true" };
}
