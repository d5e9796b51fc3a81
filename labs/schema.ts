import { z } from "zod";
import { BACKENDS, KUBE_PROXY_MODES } from "../backends/types";

/**
 * The lab spec's schemas. Strict objects everywhere: an unknown key is an error (a typo must never be
 * silently ignored). Defaults carry their reason in a comment.
 */

export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label: lowercase letters, digits and '-'")
  .max(63);
const labels = z.record(z.string(), z.string());
/**
 * Pulumi config values arrive as strings ("2"): such text becomes its number; anything else is left
 * for the number schema to name as it is ("abc", null), where coercion would hide it as NaN or 0.
 */
const numericText = (v: unknown): unknown => (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

// ---- stack config (Pulumi.<stack>.yaml, keys under the `cnilab:` namespace) ----

/**
 * Pinned image reference → the reference to run instead (a private registry, a mirror); keys are the
 * references `cnilab plan <stack> --images` prints. Absent = every image as pinned. Kind and Docker-only stacks.
 */
export const imageMapSchema = z.record(z.string(), z.string()).default({});

export const stackSchema = z.strictObject({
  /** The lab file: labs/<lab>.yaml. */
  lab: dnsLabel,
  backend: z.enum(BACKENDS),
  /** 1 control-plane + 2 workers: the smallest shape with same-node and cross-node paths on workers. */
  workers: z.preprocess(numericText, z.number().int().min(0).max(10)).default(2),
  /** iptables is kind's default and what every CNI here supports. */
  kubeProxyMode: z.enum(KUBE_PROXY_MODES).default("iptables"),
  /** kind's default pod subnet (10.244.0.0/16), which flannel's chart also defaults to. */
  podSubnet: z.string().default("10.244.0.0/16"),
  /** kind's default service subnet. */
  serviceSubnet: z.string().default("10.96.0.0/16"),
  /**
   * The lab's own Docker network; each stack file sets a distinct 172.16.N.0/24 so labs never collide.
   * 172.16.0.0/16 lies outside Docker's default address pools (172.17.0.0/16 … 172.31.0.0/16 as /16s,
   * 192.168.0.0/16 as /20s: moby libnetwork/ipamutils/utils.go, v20.10.24 to v28.5.2), so a network
   * Docker numbered by itself (compose projects, kind's own "kind") never holds these addresses.
   */
  nodeSubnet: z.string().default("172.16.0.0/24"),
  nodeImage: z.string().min(1).optional(),
  /** Defaults to cnilab-<stack> (labs/stack.ts defaultClusterName). */
  clusterName: dnsLabel.max(40).optional(),
  /** Policy scenarios to apply; absent = all scenarios of the lab. */
  scenarios: z.array(dnsLabel).optional(),
  /**
   * An exercise of the lab (labs/exercises/<name>.yaml): the stack runs its starting state instead of
   * the lab's scenarios, with namespaces as the lab writes them (what `cnilab check --stack` probes).
   */
  exercise: dnsLabel.optional(),
  imageMap: imageMapSchema,
  /**
   * Registry host (as in an image reference: `docker.io`, `registry.example:5000`) → the endpoint URL
   * (or URLs, tried in order) kind's nodes pull its images from: a plain-HTTP or private mirror.
   */
  registryMirrors: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
  /**
   * Chart name (`flannel`, `tigera-operator`, `crd.projectcalico.org.v1`) → an absolute folder holding
   * that chart at its pinned version, installed instead of fetching it from its repository.
   */
  chartDirs: z.record(z.string(), z.string()).default({}),
  /** The health suite's pod→internet probe; off, since labs often run offline. */
  probeInternet: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).default(false),
});
export type StackInput = z.input<typeof stackSchema>;
export type StackSettings = z.output<typeof stackSchema>;

// ---- lab file (labs/<name>.yaml) ----

const containerPort = z.strictObject({
  name: dnsLabel.max(15).optional(),
  containerPort: z.number().int().min(1).max(65535),
  protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP"),
  hostPort: z.number().int().min(1).max(65535).optional(),
});

const servicePort = z.strictObject({
  name: dnsLabel.max(15).optional(),
  port: z.number().int().min(1).max(65535),
  targetPort: z.union([z.number().int().min(1).max(65535), dnsLabel.max(15)]).optional(),
  protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP"),
  nodePort: z.number().int().min(30000).max(32767).optional(),
});

const containerSchema = z.strictObject({
  name: dnsLabel,
  /** A key of the pinned image table (pins/images.ts WORKLOAD_IMAGES), or a full image reference. */
  image: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  ports: z.array(containerPort).min(1),
});
export type Container = z.output<typeof containerSchema>;

/**
 * A workload runs one container (the shorthand: `image`, `args`, `env`, `ports` on the workload, the
 * container named after it) or several (`containers`, as upstream's policy e2e runs one server per
 * port and protocol). Either way it comes out with `containers`.
 */
export const workloadSchema = z
  .strictObject({
    name: dnsLabel,
    namespace: dnsLabel.default("default"),
    /** The guestbook seed uses a ReplicationController; the other apps are Deployments. */
    kind: z.enum(["Deployment", "ReplicationController"]).default("Deployment"),
    labels,
    replicas: z.number().int().min(0).max(20).default(1),
    image: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    ports: z.array(containerPort).min(1).optional(),
    containers: z.array(containerSchema).min(1).optional(),
    service: z
    .strictObject({
      type: z.enum(["ClusterIP", "NodePort"]).default("ClusterIP"),
      ports: z.array(servicePort).min(1),
    })
    .optional(),
  })
  .superRefine((w, ctx) => {
    const single = w.image !== undefined || w.args !== undefined || w.env !== undefined || w.ports !== undefined;
    if (w.containers && single) {
      ctx.addIssue({ code: "custom", path: ["containers"], message: "give either containers, or image/args/env/ports for a single container, not both" });
    } else if (!w.containers && (w.image === undefined || w.ports === undefined)) {
      ctx.addIssue({ code: "custom", path: [w.image === undefined ? "image" : "ports"], message: "a workload needs image and ports (or a containers list)" });
    }
  })
  .transform(({ image, args, env, ports, containers, ...rest }) => ({
    ...rest,
    containers: containers ?? [{ name: rest.name, image: image!, ...(args ? { args } : {}), ...(env ? { env } : {}), ports: ports! }],
  }));
export type Workload = z.output<typeof workloadSchema>;

/** Every container port of a workload. */
export function workloadPorts(w: Workload): Container["ports"] {
  return w.containers.flatMap((c) => c.ports);
}

/** A source identity: the namespace and labels policies select on; one assertion Job each. */
export const clientSchema = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.default("default"),
  labels,
});
export type Client = z.output<typeof clientSchema>;

export const trafficSchema = z.strictObject({
  from: dnsLabel,
  /** A workload name: its pods are probed by IP, its Service by name. */
  to: dnsLabel,
  port: z.union([z.number().int().min(1).max(65535), dnsLabel.max(15)]),
  protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP"),
});
export type Traffic = z.output<typeof trafficSchema>;

export const scenarioSchema = z.strictObject({
  name: dnsLabel,
  /** What the scenario teaches, in a sentence. */
  about: z.string().min(1),
  /** networking.k8s.io/v1 NetworkPolicy objects, validated against the Kubernetes schema on load. */
  policies: z.array(z.record(z.string(), z.unknown())),
  /**
   * The connections the scenario is about, or "all-pairs": every client to every workload on every
   * container port (upstream e2e's full truth table).
   */
  traffic: z.union([z.array(trafficSchema).min(1), z.literal("all-pairs")]),
});
export type Scenario = Omit<z.output<typeof scenarioSchema>, "policies" | "traffic"> & {
  policies: NetworkPolicyObject[];
  /** After loading, always the explicit list ("all-pairs" expanded). */
  traffic: Traffic[];
};

export interface NetworkPolicyObject {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

/**
 * Facts about pods, Services and volumes a lab asserts besides its policy scenarios; assertions/checks.ts
 * plans each one's pods, objects and probes. One of each kind per lab.
 */
export const CHECK_KINDS = ["localhost", "service", "empty-dir", "host-path", "persistent-volume"] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];
/** The fields each kind takes besides `kind`; any other is an error naming the kind. */
export const CHECK_FIELDS: Readonly<Record<CheckKind, readonly ("port" | "workload" | "path" | "size")[]>> = {
  localhost: ["port"],
  service: ["workload"],
  "empty-dir": [],
  "host-path": ["path"],
  "persistent-volume": ["size"],
};

export const checkSchema = z
  .strictObject({
    kind: z.enum(CHECK_KINDS),
    /** localhost: the port a container of the probe's pod serves on 127.0.0.1; @default 8080 */
    port: z.number().int().min(1).max(65535).optional(),
    /** service: the workload whose Service is probed by ClusterIP and by name (required). */
    workload: dnsLabel.optional(),
    /** host-path: the node directory written on one node and read on two; @default /var/local/cnilab-storage */
    path: z.string().regex(/^(\/[a-z0-9._-]+)+$/, "must be an absolute path of lowercase letters, digits, '.', '_' and '-'").optional(),
    /** persistent-volume: the claim's requested size, a Kubernetes quantity; @default 16Mi */
    size: z.string().regex(/^[1-9][0-9]*(Ki|Mi|Gi)$/, "must be a size such as 16Mi (Ki, Mi or Gi)").optional(),
  })
  .superRefine((c, ctx) => {
    const allowed = CHECK_FIELDS[c.kind];
    for (const field of ["port", "workload", "path", "size"] as const) {
      if (c[field] !== undefined && !allowed.includes(field)) {
        ctx.addIssue({ code: "custom", path: [field], message: `${c.kind} checks take ${allowed.length ? allowed.join(", ") : "no field"} besides kind, not ${field}` });
      }
    }
    if (c.kind === "service" && c.workload === undefined) ctx.addIssue({ code: "custom", path: ["workload"], message: "a service check names the workload whose Service it probes" });
  });
export type LabCheck = z.output<typeof checkSchema>;

export const labSchema = z.strictObject({
  name: dnsLabel,
  title: z.string().min(1),
  description: z.string().optional(),
  namespaces: z.array(z.strictObject({ name: dnsLabel, labels: labels.optional() })).default([]),
  workloads: z.array(workloadSchema).default([]),
  clients: z.array(clientSchema).default([]),
  scenarios: z.array(scenarioSchema).default([]),
  checks: z.array(checkSchema).default([]),
});
export type LabInput = z.input<typeof labSchema>;
export type Lab = Omit<z.output<typeof labSchema>, "scenarios"> & { scenarios: Scenario[] };
