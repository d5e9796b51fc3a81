/**
 * The workshop file's schema (workshops/<name>.yaml). Strict objects: an unknown key is an error.
 * Defaults carry their reason in a comment; cross-field rules live in load.ts.
 */
import { z } from "zod";
import { BACKENDS } from "../backends/types";
import { terminalsSchema } from "../terminal/settings";

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label: lowercase letters, digits and '-'")
  .max(63);

/** `local` (this machine's Docker) or `ssh://user@host[:port]`, the form the Docker CLI takes in DOCKER_HOST. */
export const SSH_DOCKER_HOST = /^ssh:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d{1,5})?$/;
const dockerHost = z.union([z.literal("local"), z.string().regex(SSH_DOCKER_HOST, "must be 'local' or ssh://user@host[:port]")]);

/** A Docker host to put participants on, with what it has when that cannot be read from it. */
const hostSchema = z.strictObject({
  /** `local` or `ssh://user@host[:port]`. */
  docker: dockerHost,
  /**
   * The IP address participants reach this host's API servers on (kind publishes each there; it
   * takes an IP address only). Default: 127.0.0.1 for `local`, the ssh URL's host when that is an IP.
   */
  address: z.string().min(1).optional(),
  /**
   * The IP address this host's kind nodes reach its registry caches on (they listen on the host).
   * Default: `address` for a remote host; for `local`, 172.17.0.1, the gateway of Docker's default
   * bridge (the first of its default pools, pool.ts), which every container can reach the host at.
   */
  cacheAddress: z.string().min(1).optional(),
  /** Memory (GiB) the workshop may use there; default: what `workshop plan` reads from the host. */
  memoryGiB: z.number().positive().optional(),
  /** CPUs the workshop may use there; default: what `workshop plan` reads from the host. */
  cpus: z.number().positive().optional(),
  /** Free disk (GiB) the workshop may use there; default: what `workshop plan` reads from the host. */
  diskGiB: z.number().positive().optional(),
});
export type WorkshopHostInput = z.output<typeof hostSchema>;

export const workshopSchema = z.strictObject({
  /** The lab every participant gets: labs/<lab>.yaml. */
  lab: dnsLabel,
  /** One backend, or a list each participant takes the next of (participant i: backend[i mod n]), so a room compares CNIs. */
  backend: z.union([z.enum(BACKENDS), z.array(z.enum(BACKENDS)).min(1)]),
  /** A count (participants p1 … pN) or the participants' names; a new name goes at the end, so nobody else moves. */
  participants: z.union([z.number().int().min(1).max(200), z.array(dnsLabel.max(20)).min(1).max(200)]),
  /** Where the clusters run: this machine's Docker by default. A string is `{ docker: <it> }`. */
  hosts: z.array(z.union([dockerHost, hostSchema])).min(1).default(["local"]),
  /** Workers per participant cluster; 2 as the lab stacks (same-node and cross-node paths on workers). */
  workers: z.number().int().min(0).max(10).default(2),
  /**
   * Each participant's node network is the next /24 of this pool (pool.ts says why this default is
   * clear of Docker's own pools); 128 participants fit in it. Lab stacks use 172.16.N.0/24 below it.
   */
  subnetPool: z.string().default("172.16.128.0/17"),
  /** Participant i's API server listens on port apiPortBase + i of its host; away from kind's 6443 inside nodes. */
  apiPortBase: z.number().int().min(1024).max(65000).default(20443),
  /** Caps over every host: at most this many participants on one host, whatever its capacity. */
  limits: z.strictObject({ participantsPerHost: z.number().int().min(1).optional() }).default({}),
  /** A browser terminal per participant (README "Browser terminals"); `terminals: {}` takes the defaults. Absent: none. */
  terminals: terminalsSchema.optional(),
});
export type WorkshopInput = z.input<typeof workshopSchema>;
export type WorkshopFile = z.output<typeof workshopSchema>;
