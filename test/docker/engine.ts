import type { ContainerPlan, NetworkPlan } from "../../docker/plan-types";

/**
 * The plan's networks and containers as Docker Engine API request bodies (API v1.41, Docker 20.10+),
 * for the tests that drive a real engine directly with exactly what the component hands to
 * @pulumi/docker. The mapping follows what the provider sends (kreuzwerker/terraform-provider-docker
 * v3.x resource_docker_{network,container}_funcs.go), noted where it differs in form.
 */

/** Body of `POST /networks/create`. */
export function networkCreateBody(n: NetworkPlan): Record<string, unknown> {
  return {
    Name: n.name,
    Driver: n.driver,
    CheckDuplicate: true,
    Internal: n.internal,
    Attachable: n.attachable,
    Options: n.options,
    IPAM: {
      Driver: "default",
      Config: n.ipamConfigs.map((c) => ({ Subnet: c.subnet, ...(c.gateway !== undefined ? { Gateway: c.gateway } : {}) })),
    },
    Labels: labelMap(n.labels),
  };
}

/**
 * `POST /containers/create?name=<name>` and its body. The provider creates the container on the
 * default bridge, disconnects it and connects each `networksAdvanced` entry before the start; one
 * endpoint given at creation ends in the same state, and API 1.41 takes exactly one there.
 */
export function containerCreateRequest(c: ContainerPlan): { name: string; body: Record<string, unknown> } {
  // On a predefined network (host, none) the container takes no endpoint settings: network_mode alone.
  if (c.networkMode) {
    return {
      name: c.name,
      body: { Image: c.image, Cmd: c.command, Tty: c.tty, Labels: labelMap(c.labels), HostConfig: { NetworkMode: c.networkMode, Init: c.init } },
    };
  }
  const [net, ...more] = c.networksAdvanced;
  if (!net || more.length > 0) throw new Error(`container ${c.name}: the Engine API mapping takes exactly one network, got ${c.networksAdvanced.length}`);
  return {
    name: c.name,
    body: {
      Image: c.image,
      Cmd: c.command,
      Tty: c.tty,
      Labels: labelMap(c.labels),
      HostConfig: { NetworkMode: net.name, Init: c.init },
      NetworkingConfig: { EndpointsConfig: { [net.name]: { IPAMConfig: { IPv4Address: net.ipv4Address } } } },
    },
  };
}

/**
 * The uploads as the tar archive for `PUT /containers/{id}/archive?path=/`: one regular file per
 * upload, mode 0644 as the provider writes them (ustar headers; the paths are made relative to /).
 */
export function uploadArchive(uploads: readonly { file: string; content: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const u of uploads) {
    const name = u.file.replace(/^\/+/, "");
    const body = Buffer.from(u.content, "utf8");
    if (Buffer.byteLength(name) > 100) throw new Error(`upload path ${u.file} is longer than a tar header holds (100 bytes)`);
    const header = Buffer.alloc(512);
    header.write(name, 0, "utf8");
    header.write("0000644\0", 100, "ascii"); // mode
    header.write("0000000\0", 108, "ascii"); // uid
    header.write("0000000\0", 116, "ascii"); // gid
    header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124, "ascii");
    header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, "0")}\0`, 136, "ascii");
    header.write("        ", 148, "ascii"); // checksum field counts as spaces while summing
    header.write("0", 156, "ascii"); // regular file
    header.write("ustar\u000000", 257, "ascii");
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end the archive
  return Buffer.concat(blocks);
}

function labelMap(labels: readonly { label: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(labels.map((l) => [l.label, l.value]));
}
