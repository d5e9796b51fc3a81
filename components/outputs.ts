import type * as pulumi from "@pulumi/pulumi";

/**
 * What a Pulumi program returns for stack outputs of type `T` (plan/outputs.ts, docker/outputs.ts):
 * each field the value or an Output of it, so the compiler holds the program to the type the CLI reads.
 */
export type StackOutputs<T> = { [K in keyof T]: T[K] | pulumi.Output<T[K]> };
