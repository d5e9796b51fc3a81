/**
 * An upstream manifest's text for `up`: the copy in the state directory when its sha256 is the pinned
 * one, else downloaded from the pinned URL into that place, checked on the way (host/download.ts). A
 * machine that reaches no GitHub gets it by copying the file there (`cnilab plan <stack>` names the
 * path); a file whose sum differs is refused, never applied.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ManifestPin } from "../pins/versions";
import { ChecksumMismatch, DownloadError, downloadVerified } from "./download";
import { stateFolder } from "./state";

/** Where `up` keeps (and looks for) a pinned manifest: `<state>/manifests/<name>-<version>.yaml`. */
export function manifestPath(pin: Pick<ManifestPin, "name" | "version">, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return join(stateFolder(env, cwd, "manifests"), `${pin.name}-${pin.version}.yaml`);
}

export interface LoadManifestOptions {
  /** The file to use or fill; default manifestPath(pin). */
  file?: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** The manifest's text, its sha256 the pinned one; throws naming the file or URL and both sums otherwise. */
export async function loadManifest(pin: ManifestPin, opts: LoadManifestOptions = {}): Promise<string> {
  const file = opts.file ?? manifestPath(pin);
  const kept = await readFile(file, "utf8").catch(() => undefined);
  if (kept !== undefined) {
    const sum = createHash("sha256").update(kept).digest("hex");
    if (sum === pin.sha256) return kept;
    throw new ChecksumMismatch(file, pin.sha256, sum);
  }
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  try {
    await downloadVerified({ url: pin.url, sha256: pin.sha256, file: partial, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    await rename(partial, file);
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    throw new DownloadError(`cannot fetch ${pin.url}: ${err.message}; on a machine that reaches no GitHub, copy that file (sha256 ${pin.sha256}) to ${file}`);
  } finally {
    await rm(partial, { force: true });
  }
  return readFile(file, "utf8");
}
