/**
 * The overlay lab's evidence, read from Docker as `up` ends and `verify` runs (docker/overlay-evidence.ts
 * says what each reading means): the VNI, the VXLAN device in the network's namespace (needs root, for
 * nsenter) and a server container's eth0 MTU.
 */
import { overlayLines, overlayNetns, parseMtu, parseVxlan, VNI_OPTION, OVERLAY_NETNS_DIR, type DockerLabPlan, type OverlayEvidence } from "../docker";
import type { Host } from "../host/host";

const DOCKER_TIMEOUT_MS = 60_000;

export async function overlayEvidence(host: Host, plan: DockerLabPlan): Promise<string[]> {
  const lines: string[] = [];
  for (const n of plan.networks.filter((n) => n.driver === "overlay")) {
    const e: OverlayEvidence = { network: n.name, unread: [] };
    const inspect = await host.run("docker", ["network", "inspect", n.name, "--format", `{{.Id}} {{index .Options "${VNI_OPTION}"}}`], DOCKER_TIMEOUT_MS);
    const [id, vni] = inspect.stdout.trim().split(" ");
    if (inspect.code !== 0 || !id) e.unread.push(`docker network inspect ${n.name}: ${(inspect.stderr || "no answer").trim()}`);
    else {
      e.vni = vni;
      const listing = await host.run("ls", [OVERLAY_NETNS_DIR], DOCKER_TIMEOUT_MS);
      e.netns = overlayNetns(id, listing.stdout.split("\n"));
      const link = e.netns ? await host.run("nsenter", [`--net=${e.netns}`, "ip", "-j", "-d", "-s", "link", "show", "type", "vxlan"], DOCKER_TIMEOUT_MS) : undefined;
      if (link?.code === 0) e.vxlan = parseVxlan(link.stdout);
      else e.unread.push(`the VXLAN device in ${e.netns ?? `${OVERLAY_NETNS_DIR}/*-${id.slice(0, 10)}`} (nsenter needs root): ${(link?.stderr ?? "no such namespace").trim()}`);
    }
    const server = plan.containers.find((c) => c.role === "server" && c.networksAdvanced.some((a) => a.name === n.name));
    if (server) {
      const eth0 = await host.run("docker", ["exec", server.name, "ip", "-o", "link", "show", "eth0"], DOCKER_TIMEOUT_MS);
      const mtu = eth0.code === 0 ? parseMtu(eth0.stdout) : undefined;
      if (mtu !== undefined) e.containerMtu = mtu;
      else e.unread.push(`eth0 of ${server.name}: ${(eth0.stderr || eth0.stdout).trim()}`);
    }
    lines.push(...overlayLines(e));
  }
  return lines.length ? ["Overlay, read from Docker:", ...lines, ""] : [];
}
