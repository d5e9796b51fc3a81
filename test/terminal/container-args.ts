/**
 * A docker.Container as the Pulumi mocks recorded the component's inputs, turned into what the
 * Docker CLI runs: `docker create` arguments, and the uploads as one tar archive for
 * `docker cp --archive` before the container starts. Units and forms as the provider passes them to
 * the Engine API (kreuzwerker/terraform-provider-docker internal/provider/resource_docker_container_funcs.go
 * at 83c00e0: memory and memory_swap in MB × 1024 × 1024, cpus parsed into NanoCpus, uploads one tar
 * per file extracted at "/"). An input this file does not know is an error: a setting the component
 * adds later cannot be left out of the real container unnoticed.
 */

interface Upload {
  file: string;
  content: string;
  permissions?: string;
  owner?: string;
  group?: string;
}

/** What this translation covers; mustRun only keeps a provider-managed container running (nothing to pass). */
const KNOWN = ["name", "image", "envs", "labels", "networkMode", "networksAdvanced", "ports", "cpus", "memory", "memorySwap", "capabilities", "securityOpts", "ulimits", "restart", "uploads", "mustRun"];

export interface CreateOptions {
  /** Where the published port listens on this machine: tests bind loopback only (the network rule). */
  hostIp: string;
}

export function dockerCreateArgs(inputs: Record<string, any>, options: CreateOptions): string[] {
  const unknown = Object.keys(inputs).filter((k) => !KNOWN.includes(k) && k !== "__defaults");
  if (unknown.length > 0) throw new Error(`container-args.ts: the component sets ${unknown.join(", ")}, which this translation does not know; add it (known: ${KNOWN.join(", ")})`);
  const networks = inputs.networksAdvanced as { name: string; ipv4Address?: string }[];
  if (networks.length !== 1 || networks[0]!.name !== inputs.networkMode) throw new Error(`container-args.ts: one network, the networkMode, is supported; got ${JSON.stringify(networks)}`);
  return [
    "--name", inputs.name,
    ...(inputs.envs as string[]).flatMap((e) => ["--env", e]),
    ...(inputs.labels as { label: string; value: string }[]).flatMap((l) => ["--label", `${l.label}=${l.value}`]),
    "--network", inputs.networkMode,
    ...(networks[0]!.ipv4Address ? ["--ip", networks[0]!.ipv4Address] : []),
    ...(inputs.ports as { internal: number; external: number; protocol?: string }[]).flatMap((p) => ["--publish", `${options.hostIp}:${p.external}:${p.internal}/${p.protocol ?? "tcp"}`]),
    "--cpus", inputs.cpus,
    "--memory", `${inputs.memory}m`,
    "--memory-swap", `${inputs.memorySwap}m`,
    ...(inputs.capabilities.drops as string[]).flatMap((c) => ["--cap-drop", c]),
    ...(inputs.capabilities.adds as string[]).flatMap((c) => ["--cap-add", c]),
    ...(inputs.securityOpts as string[]).flatMap((o) => ["--security-opt", o]),
    ...(inputs.ulimits as { name: string; soft: number; hard: number }[]).flatMap((u) => ["--ulimit", `${u.name}=${u.soft}:${u.hard}`]),
    "--restart", inputs.restart,
    inputs.image,
  ];
}

/**
 * The uploads as one ustar archive, each file with the mode and (numeric) owner and group the
 * component gave, root's when none. The Engine unpacks a copy with the ids the archive carries, for a
 * container that names no user (moby daemon/archive_tarcopyoptions.go at 0447230: no ChownOpts);
 * `docker cp --archive` asks for that explicitly.
 */
export function uploadsArchive(uploads: Upload[]): Buffer {
  const blocks: Buffer[] = [];
  for (const u of uploads) {
    const extra = Object.keys(u).filter((k) => !["file", "content", "permissions", "owner", "group"].includes(k));
    if (extra.length > 0) throw new Error(`container-args.ts: upload ${u.file} sets ${extra.join(", ")}, which this translation does not know`);
    const id = (value: string | undefined, what: string): number => {
      if (value === undefined) return 0;
      if (!/^\d+$/.test(value)) throw new Error(`container-args.ts: upload ${u.file} names its ${what} '${value}'; only numeric ids resolve the same on every host`);
      return Number(value);
    };
    const body = Buffer.from(u.content, "utf8");
    blocks.push(tarHeader(u.file.replace(/^\/+/, ""), Number.parseInt(u.permissions ?? "644", 8), id(u.owner, "owner"), id(u.group, "group"), body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

/** A POSIX ustar header for a regular file (names up to 100 bytes: ours are short paths). */
function tarHeader(name: string, mode: number, uid: number, gid: number, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`container-args.ts: ${name} is longer than a ustar name field`);
  const header = Buffer.alloc(512);
  // Octal digits and a NUL when the value fits (ustar); else GNU's base-256 form, which Go's archive/tar
  // (Docker's copy) reads: the first byte's high bit set, the value big-endian in the rest. A
  // participant's uid (700000000 + position) needs it: seven octal digits end at 2097151.
  const octal = (value: number, width: number, at: number): void => {
    const digits = value.toString(8);
    if (digits.length < width) return void header.write(`${digits.padStart(width - 1, "0")}\0`, at, width, "ascii");
    header[at] = 0x80;
    for (let i = width - 1, v = BigInt(value); i > 0; i--, v >>= 8n) header[at + i] = Number(v & 0xffn);
  };
  header.write(name, 0, 100, "utf8");
  octal(mode, 8, 100);
  octal(uid, 8, 108);
  octal(gid, 8, 116);
  octal(size, 12, 124);
  octal(Math.floor(Date.now() / 1000), 12, 136);
  header.write("        ", 148, 8, "ascii"); // the checksum counts its own field as spaces
  header.write("0", 156, 1, "ascii");
  header.write("ustar\0", 257, 6, "ascii");
  header.write("00", 263, 2, "ascii");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return header;
}
