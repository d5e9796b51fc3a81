/**
 * The terminal image built here, where no registry and no Alpine mirror can be reached: its two
 * bases are stand-ins assembled from this machine's own files and imported with `docker import`;
 * then the REAL build context terminal/image.ts writes is built on them, with only the FROM lines
 * swapped and the `apk add` step left out (terminalDockerfile's parameters say why).
 *
 *   node stand-in     node (the binary running this test), BusyBox from Debian's busybox-static (the
 *                     Alpine image's /bin/sh, mkdir, chown and stty are BusyBox too), bash, util-linux
 *                     `script`, iptables-restore → xtables-nft-multi with its xtables modules (the
 *                     nf_tables backend, as Alpine's), the shared libraries of all of them (ldd),
 *                     /etc/passwd and /etc/group with node = 1000:1000, /tmp
 *   kubectl stand-in  /bin/kubectl alone (this machine's, statically linked), as the distroless image
 *
 * Each is checked to carry what pins/terminal-facts.ts lists for it before it is used. Both are
 * tagged by a hash of the files that went in and kept, so a later run reuses them; the terminal
 * image built on them is the caller's to remove.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { missingExecutables } from "../../local/stand-ins";
import { IMAGE_FACTS, TERMINAL_EXECUTABLES } from "../../pins";
import { terminalDockerfile, writeTerminalImageContext } from "../../terminal/image";
import { busyboxRootfs, dockerEngineUnavailable } from "../docker/host";

const BOUND_MS = 180_000;
const REPO = "cnilab-test-terminal";

/** A file of this machine and where it goes in the image. */
interface Placed {
  from: string;
  to: string;
}

/** This machine's files each piece comes from: the first candidate that exists. */
const HOST = {
  bash: ["/usr/bin/bash", "/bin/bash"],
  script: ["/usr/bin/script"],
  xtables: ["/usr/sbin/xtables-nft-multi", "/sbin/xtables-nft-multi"],
  kubectl: ["/usr/bin/kubectl", "/usr/local/bin/kubectl"],
} as const;
const XTABLES_MODULES = ["/usr/lib/x86_64-linux-gnu/xtables", "/usr/lib/aarch64-linux-gnu/xtables", "/usr/lib/xtables", "/usr/libexec/xtables"];

const find = (candidates: readonly string[]): string | undefined => candidates.find((c) => existsSync(c));

/** Why the terminal image cannot be built here, or undefined. */
export function standInUnavailable(): string | undefined {
  const docker = dockerEngineUnavailable();
  if (docker) return docker;
  for (const [what, candidates] of Object.entries(HOST)) {
    if (!find(candidates)) return `no ${what} on this machine to build the terminal's stand-in image from (looked at ${candidates.join(", ")})`;
  }
  if (!XTABLES_MODULES.some(existsSync)) return `no xtables modules folder (looked at ${XTABLES_MODULES.join(", ")})`;
  return undefined;
}

/** The shared libraries `file` loads, by the absolute paths ldd resolves them to (and the loader). */
function sharedLibraries(file: string): string[] {
  let out: string;
  try {
    out = execFileSync("ldd", [file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 15_000 });
  } catch {
    return []; // "not a dynamic executable": static, nothing to add
  }
  return out.split("\n").flatMap((line) => {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    return m ? [m[1]!] : [];
  });
}

function nodeStandInFiles(): Placed[] {
  const xtables = find(HOST.xtables)!;
  const modules = XTABLES_MODULES.filter(existsSync).flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".so")).map((f) => join(dir, f)));
  const programs: Placed[] = [
    { from: process.execPath, to: "/usr/local/bin/node" },
    { from: find(HOST.bash)!, to: "/bin/bash" },
    { from: find(HOST.script)!, to: "/usr/bin/script" },
    { from: xtables, to: "/usr/sbin/xtables-nft-multi" },
    ...modules.map((m) => ({ from: m, to: m })),
  ];
  const libraries = [...new Set(programs.flatMap((p) => sharedLibraries(p.from)))].map((lib) => ({ from: lib, to: lib }));
  // bash's readline asks terminfo about TERM (the server sets xterm-256color); Alpine's ncurses has it.
  const terminfo = ["/lib/terminfo/x/xterm-256color", "/usr/share/terminfo/x/xterm-256color"].filter(existsSync).map((t) => ({ from: t, to: t }));
  return [...programs, ...libraries, ...terminfo];
}

function kubectlStandInFiles(): Placed[] {
  const kubectl = realpathSync(find(HOST.kubectl)!);
  return [{ from: kubectl, to: IMAGE_FACTS.kubectl.executables[0]! }, ...sharedLibraries(kubectl).map((lib) => ({ from: lib, to: lib }))];
}

/** What the facts say each stand-in must carry: the Node image's and the Alpine packages' executables; the kubectl image's. */
export function standInExecutables(): { node: string[]; kubectl: string[] } {
  const rows = Object.entries(TERMINAL_EXECUTABLES);
  return { node: rows.filter(([, f]) => !("image" in f.from && f.from.image === "kubectl")).map(([name]) => name), kubectl: [...IMAGE_FACTS.kubectl.executables] };
}

const docker = (args: string[], timeout = 60_000): string => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout }).trim();
const imageExists = (tag: string): boolean => {
  try {
    docker(["image", "inspect", "--format", "{{.Id}}", tag]);
    return true;
  } catch {
    return false;
  }
};

const PASSWD = "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:Linux User,,,:/home/node:/bin/sh\n";
const GROUP = "root:x:0:root\nnode:x:1000:node\n";

/** Imports one stand-in unless an image of the same inputs exists; returns its tag. */
function ensureStandIn(name: "node" | "kubectl", files: Placed[], withBusybox: boolean, executables: readonly string[]): string {
  const hash = createHash("sha256").update(`${name}\0${withBusybox}\0${PASSWD}${GROUP}`);
  for (const f of files) {
    const s = statSync(f.from);
    hash.update(`${f.from}\0${f.to}\0${s.size}\0${s.mtimeMs}\0`);
  }
  const tag = `${REPO}/${name}:${hash.digest("hex").slice(0, 16)}`;
  if (imageExists(tag)) return tag;

  const busybox = withBusybox ? busyboxRootfs() : undefined;
  if (typeof busybox === "string") throw new Error(busybox);
  const work = mkdtempSync(join(tmpdir(), `cnilab-terminal-${name}-`));
  const root = busybox?.dir ?? join(work, "rootfs");
  try {
    mkdirSync(root, { recursive: true });
    for (const f of files) {
      mkdirSync(join(root, dirname(f.to)), { recursive: true });
      copyFileSync(f.from, join(root, f.to));
      chmodSync(join(root, f.to), statSync(f.from).mode & 0o7777);
    }
    if (name === "node") {
      for (const link of ["iptables-restore", "iptables"]) symlinkSync("xtables-nft-multi", join(root, "usr/sbin", link));
      mkdirSync(join(root, "etc"), { recursive: true });
      writeFileSync(join(root, "etc/passwd"), PASSWD);
      writeFileSync(join(root, "etc/group"), GROUP);
      for (const dir of ["tmp", "root", "home"]) mkdirSync(join(root, dir), { recursive: true });
      chmodSync(join(root, "tmp"), 0o1777);
    }
    const missing = missingExecutables(root, executables);
    if (missing.length > 0) throw new Error(`the ${name} stand-in lacks ${missing.join(", ")}, which pins/terminal-facts.ts says the image has`);
    execFileSync("sh", ["-c", `tar -C '${root}' -c . | docker import - '${tag}'`], { stdio: ["ignore", "ignore", "pipe"], timeout: BOUND_MS });
    return tag;
  } finally {
    busybox?.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Builds the terminal image from the real context on the two stand-ins, tagged `tag`; returns its ID.
 * The classic builder (DOCKER_BUILDKIT=0): Docker 20.10 has no BuildKit client without buildx.
 */
export function buildTerminalImage(tag: string): string {
  const executables = standInExecutables();
  const node = ensureStandIn("node", nodeStandInFiles(), true, executables.node);
  const kubectl = ensureStandIn("kubectl", kubectlStandInFiles(), false, executables.kubectl);
  const context = mkdtempSync(join(tmpdir(), "cnilab-terminal-context-"));
  try {
    writeTerminalImageContext(context);
    writeFileSync(join(context, "Dockerfile"), terminalDockerfile({ node, kubectl, install: null }));
    execFileSync("docker", ["build", "--quiet", "--tag", tag, context], { env: { ...process.env, DOCKER_BUILDKIT: "0" }, stdio: ["ignore", "pipe", "pipe"], timeout: BOUND_MS });
    return docker(["image", "inspect", "--format", "{{.Id}}", tag]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
