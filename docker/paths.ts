import { containsIp, formatIp, mustParseCidr, parseIpv4 } from "../ip/cidr";
import type { DriverFacts, PathKind } from "./drivers";
import type { DockerLab, DockerLabClient, DockerLabServer } from "./schema";

/** A container's place: a lab network at a fixed address, or the driver's predefined network. */
type Placed = Pick<DockerLabClient, "network" | "address">;

/** The loopback address a server on the host network listens on, so nothing it serves leaves the machine. */
export const HOST_LOOPBACK = "127.0.0.1";

/**
 * The kind of path a probe takes, from where its client and target run: the facts of that kind
 * (DRIVER_FACTS[driver].paths) give its expectation. `server` undefined: the target is the host.
 */
export function pathKindOf(lab: DockerLab, facts: DriverFacts, client: Placed, server: Placed | undefined): PathKind {
  if (client.network === undefined) {
    if (facts.predefined === "none") return "no-interface";
    return server === undefined ? "host" : "shared-namespace";
  }
  if (server === undefined) return "host";
  return server.network !== undefined && sameSubnet(lab, client, server) ? "same-subnet" : "cross-subnet";
}

/** Whether both sit on one lab network and in one of its subnets. */
function sameSubnet(lab: DockerLab, a: Placed, b: Placed): boolean {
  if (a.network !== b.network) return false;
  const subnets = lab.networks.find((n) => n.name === a.network)!.subnets.map((s) => mustParseCidr(s.subnet));
  const home = (ip: string | undefined) => subnets.findIndex((c) => containsIp(c, parseIpv4(ip ?? "")!));
  return home(a.address) === home(b.address);
}

/** The address a probe to `server` dials: its lab address, or the host's loopback on the host network. */
export function serverAddress(server: Pick<DockerLabServer, "address">): string {
  return server.address ?? HOST_LOOPBACK;
}

/** The gateway of the lab subnet an address is in: the host's own address on a bridge network. */
export function labGatewayOf(lab: DockerLab, network: string, address: string): string {
  return subnetGateway(lab.networks.find((n) => n.name === network)!.subnets.find((s) => containsIp(mustParseCidr(s.subnet), parseIpv4(address)!))!);
}

/** A lab subnet's gateway: the one it names, else Docker's default, the subnet's first address. */
export function subnetGateway(subnet: { subnet: string; gateway?: string | undefined }): string {
  return subnet.gateway ?? formatIp(mustParseCidr(subnet.subnet).base + 1);
}
