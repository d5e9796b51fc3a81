/**
 * Puts one pinned tool into the tools folder: download into a staging folder beside the target,
 * verify the sha256, unpack, then one rename makes it appear. Whatever fails, the staging folder
 * is removed, so the tools folder holds complete, verified installs or nothing.
 *
 * Layout: <tools>/kind/<version>/kind and <tools>/pulumi/<version>/bin/pulumi (beside the language
 * hosts from the same archive: the Automation API runs <root>/bin/pulumi and puts that bin/ first
 * on PATH, so the matching hosts are found). A version folder per pin: a bumped pin is a fresh install.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { TOOLS, type Platform, type ToolAsset, type ToolName, type ToolPin } from "../pins/tools";
import { ChecksumMismatch, DownloadError, downloadVerified } from "./download";
import { runProcess } from "./run";

/** Where cnilab keeps the tools, and how it reaches their release assets. */
export interface ToolShelf {
  /** <state>/tools. */
  dir: string;
  /**
   * Tests only: a base URL (a loopback server) serving every asset under its file name, in place
   * of the upstream URLs. The pinned sums still apply.
   */
  mirror?: string;
  /** Tests only: the fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Tests only: pins for stand-in assets, whose sums are their own (default: pins/tools.ts). */
  pins?: Readonly<Record<ToolName, ToolPin>>;
}

/** The pin `setup` installs for `tool` from this shelf. */
export function shelfPin(shelf: Pick<ToolShelf, "pins">, tool: ToolName): ToolPin {
  return (shelf.pins ?? TOOLS)[tool];
}

/** Why `setup` could not install a tool: one line for the person at the terminal. */
export class SetupError extends Error {
  override name = "SetupError";
  constructor(
    message: string,
    /** "download": the network or the server; worth a retry (or a proxy setting). */
    readonly reason: "download" | "checksum" | "unpack",
  ) {
    super(message);
  }
}

/** Node's fetch ignores HTTPS_PROXY unless told (Node 24: --use-env-proxy / NODE_USE_ENV_PROXY=1, measured). */
export const PROXY_HINT = "behind a proxy: export HTTPS_PROXY=<proxy> NODE_USE_ENV_PROXY=1";

const UNPACK_TIMEOUT_MS = 120_000;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** The executable a complete install of `tool` has in the tools folder. */
export function toolTarget(shelf: Pick<ToolShelf, "dir" | "pins">, tool: ToolName): string {
  const version = join(shelf.dir, tool, shelfPin(shelf, tool).version);
  return tool === "pulumi" ? join(version, "bin", "pulumi") : join(version, "kind");
}

/** The URL `setup` fetches the asset from: upstream, or the same file name on the test mirror. */
export function assetUrl(shelf: Pick<ToolShelf, "mirror">, asset: ToolAsset): string {
  return shelf.mirror ? `${shelf.mirror.replace(/\/$/, "")}/${basename(new URL(asset.url).pathname)}` : asset.url;
}

/**
 * Installs `tool` for `platform` unless a complete install is already there; returns the
 * executable. `say` gets a line when the download starts and one when it is in place.
 */
export async function installTool(shelf: ToolShelf, tool: ToolName, platform: Platform, say: (line: string) => void): Promise<string> {
  const pin = shelfPin(shelf, tool);
  const target = toolTarget(shelf, tool);
  if (existsSync(target)) return target;
  const asset = pin.assets[platform];
  const url = assetUrl(shelf, asset);
  const name = `${tool} ${pin.version}`;
  // The first folder this call creates (the state folder itself on a fresh checkout), to take back on failure.
  const created = mkdirSync(shelf.dir, { recursive: true });
  const staging = mkdtempSync(join(shelf.dir, `.staging-${tool}-`));
  try {
    const download = join(staging, basename(new URL(url).pathname));
    say(`fetching ${name} (${platform}) from ${url}`);
    const started = Date.now();
    let bytes: number;
    try {
      let quarter = 0;
      // A line per quarter of a large download (Pulumi's archive is tens of MiB), none for the last.
      const onBytes = (received: number, total: number | undefined) => {
        const q = total ? Math.floor((4 * received) / total) : 0;
        if (q > quarter && q < 4) say(`${name}: ${q * 25}% of ${mib(total!)} MiB`);
        quarter = Math.max(quarter, q);
      };
      bytes = await downloadVerified({ url, sha256: asset.sha256, file: download, fetch: shelf.fetch, onBytes });
    } catch (err) {
      if (err instanceof ChecksumMismatch) {
        throw new SetupError(
          `${basename(download)} from ${url} has sha256 ${err.actual}, but ${name} is pinned to sha256 ${err.expected} (pins/tools.ts); refused, nothing installed`,
          "checksum",
        );
      }
      if (err instanceof DownloadError) throw new SetupError(`cannot download ${name} from ${url}: ${err.message}`, "download");
      throw err;
    }
    const version = join(staging, pin.version);
    mkdirSync(version);
    if (pin.archive.type === "binary") {
      renameSync(download, join(version, tool));
    } else {
      const unpacked = join(staging, "unpacked");
      mkdirSync(unpacked);
      const tar = await runProcess("tar", ["-xzf", download, "-C", unpacked], process.env, UNPACK_TIMEOUT_MS);
      const inside = join(unpacked, pin.archive.topDir);
      if (tar.code !== 0 || !existsSync(join(inside, tool))) {
        const said = (tar.stderr.trim() || tar.failure || `no ${pin.archive.topDir}/${tool} inside`).split("\n")[0];
        throw new SetupError(`cannot unpack ${basename(download)} (${name}): ${said}`, "unpack");
      }
      renameSync(inside, join(version, "bin"));
    }
    chmodSync(join(version, pin.archive.type === "binary" ? tool : join("bin", tool)), 0o755);
    mkdirSync(join(shelf.dir, tool), { recursive: true });
    try {
      renameSync(version, join(shelf.dir, tool, pin.version));
    } catch (err) {
      // Another setup finished the same verified install first: use it.
      if (!existsSync(target)) throw err;
    }
    say(`${name}: ${mib(bytes)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s, sha256 verified, installed at ${target}`);
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (created) removeEmptyUpTo(shelf.dir, created);
  }
}

/** Removes `dir` and its parents up to `top` while they are empty (what a failed first install made). */
function removeEmptyUpTo(dir: string, top: string): void {
  for (let d = dir; d.startsWith(top); d = dirname(d)) {
    if (readdirSync(d).length > 0) return;
    rmdirSync(d);
    if (d === top) return;
  }
}
