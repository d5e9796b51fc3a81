import { z } from "zod";
import { imageMapSchema } from "../labs/schema";
import { DOCKER_DRIVERS } from "./drivers";

/**
 * Schemas of a Docker-only lab: the stack settings (`cnilab:` keys of Pulumi.docker-*.yaml) and the
 * lab file (labs/<name>.yaml with `type: docker`). Strict objects everywhere, as in labs/schema.ts:
 * an unknown key is an error. Cross-field rules (addresses inside subnets, …) are in docker/lab.ts.
 */

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label: lowercase letters, digits and '-'")
  .max(63);
const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address like 192.168.214.10");
/** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no '/', ':' or whitespace. */
const ifname = z.string().regex(/^[^\s/:]{1,15}$/, "must be a Linux interface name: 1-15 characters, no '/', ':' or spaces");

export const dockerStackSchema = z.strictObject({
  /** The lab file: labs/<lab>.yaml, which must say `type: docker`. */
  lab: dnsLabel,
  dockerDriver: z.enum(DOCKER_DRIVERS),
  /**
   * An existing host interface to hang macvlan/ipvlan containers off. Absent = the lab makes its own
   * Linux bridge as parent, so no lab traffic touches the host's uplink.
   */
  parent: ifname.optional(),
  /** The host's address on `parent`, so probes to "host" know where to go; only with `parent`. */
  parentAddress: ipv4.optional(),
  /** Prefix of every Docker object's name; defaults to cnilab-<driver short name> (docker/drivers.ts). */
  name: dnsLabel.max(40).optional(),
  imageMap: imageMapSchema,
});
export type DockerStackSettings = z.output<typeof dockerStackSchema>;

const subnetSchema = z.strictObject({
  subnet: z.string(),
  /** The containers' default route next hop; Docker's default is the subnet's first address. */
  gateway: ipv4.optional(),
});

const networkSchema = z.strictObject({
  name: dnsLabel.max(20),
  subnets: z.array(subnetSchema).min(1),
});

/**
 * A container's lab network and its fixed address there. Both absent: the container runs on the
 * stack driver's predefined network (Docker's `host` or `none`, docker/drivers-predefined.ts).
 */
const attachment = {
  network: dnsLabel.optional(),
  address: ipv4.optional(),
};

const serverSchema = z.strictObject({
  name: dnsLabel.max(20),
  ...attachment,
  /** The TCP port its HTTP server listens on. */
  port: z.number().int().min(1).max(65535).default(80),
});

const clientSchema = z.strictObject({
  name: dnsLabel.max(20),
  ...attachment,
});

const probeSchema = z.strictObject({
  from: dnsLabel,
  /**
   * A server's name, or `host`: the host's own address (the bridge gateway, the parent's address, or
   * 127.0.0.1 from a container on the host network).
   */
  to: dnsLabel,
  /** Defaults to the server's port; required for `host`. */
  port: z.number().int().min(1).max(65535).optional(),
  /** The servers speak HTTP over TCP; nothing in the lab answers UDP. */
  protocol: z.enum(["tcp", "http"]).default("tcp"),
  about: z.string().optional(),
});

export const dockerLabSchema = z.strictObject({
  type: z.literal("docker"),
  name: dnsLabel,
  title: z.string().min(1),
  description: z.string().optional(),
  /**
   * The subnet of the Linux bridge the lab makes as macvlan/ipvlan parent when the stack names none;
   * its gateway is the host's address on that bridge. Needed by macvlan/ipvlan stacks without cnilab:parent.
   */
  parentNetwork: subnetSchema.optional(),
  /** The lab's own networks; none when every container runs on the driver's predefined network. */
  networks: z.array(networkSchema),
  servers: z.array(serverSchema).min(1),
  clients: z.array(clientSchema).min(1),
  probes: z.array(probeSchema).min(1),
});
export type DockerLab = z.output<typeof dockerLabSchema>;
export type DockerLabNetwork = DockerLab["networks"][number];
export type DockerLabServer = DockerLab["servers"][number];
export type DockerLabClient = DockerLab["clients"][number];
export type DockerLabProbe = DockerLab["probes"][number];
