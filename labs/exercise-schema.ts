import { z } from "zod";
import { clientSchema, dnsLabel, trafficSchema } from "./schema";

/**
 * An exercise file (labs/exercises/<name>.yaml): a task on a lab's workloads, graded cell by cell.
 * Strict objects, as the lab schema: an unknown key is an error with the closest known one.
 */

/** What a goal cell asks of a connection: the engine's verdicts, as a participant says them. */
export const GOALS = ["allowed", "denied"] as const;
export type Goal = (typeof GOALS)[number];

/**
 * One cell of the goal's truth table: from a client (the lab's or the exercise's own), to a lab
 * workload or a pod the cluster runs itself (labs/cluster-pods.ts), on a port and protocol.
 */
export const goalCellSchema = trafficSchema.extend({ expect: z.enum(GOALS) });
export type GoalCell = z.output<typeof goalCellSchema>;

export const exerciseSchema = z.strictObject({
  /** Equal to the file's name: `cnilab check <name>`. */
  name: dnsLabel,
  /** The lab (labs/<lab>.yaml) whose namespaces, workloads and clients the exercise runs on. */
  lab: dnsLabel,
  title: z.string().min(1),
  /** What the participant is asked to do, in their words: the handout shows it. */
  task: z.string().min(1),
  /**
   * Source identities of the exercise's own, beside the lab's clients: a client is only a pod with
   * labels in a namespace (an assertion Job), so an exercise may add one where its lesson needs it.
   * @default []
   */
  clients: z.array(clientSchema).default([]),
  /** NetworkPolicies the cluster starts with (one that is wrong, say). @default [] */
  start: z.array(z.record(z.string(), z.unknown())).default([]),
  goal: z.array(goalCellSchema).min(1),
  /** Shown one at a time, in order, each time a check misses. */
  hints: z.array(z.string().min(1)).min(1),
  /** The reference solution: applied over the starting policies it meets every goal cell. Never shown to participants. */
  solution: z.array(z.record(z.string(), z.unknown())).min(1),
});
export type ExerciseInput = z.input<typeof exerciseSchema>;
